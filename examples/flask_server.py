"""The seed's server, in Flask: GET /home says which server answers, GET /heartbeat says it is alive.
Run three of them behind the balancer:

    LB_REPLICA_COMMAND="python3 examples/flask_server.py" java -jar verticles/target/load-balancer.jar

The balancer starts each with PORT and SERVER_ID in its environment (no shell involved)."""
import logging
import os

from flask import Flask, jsonify

app = Flask(__name__)
server_id = os.environ.get("SERVER_ID", "0")


@app.get("/home")
def home():
    return jsonify(message=f"Hello from Server: {server_id}", status="successful")


@app.get("/heartbeat")
def heartbeat():
    return "", 200


if __name__ == "__main__":
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request
    app.run(host="127.0.0.1", port=int(os.environ["PORT"]))
