package dev.lb;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** HTTP/1 over a plain socket to 127.0.0.1, so that a test sees every byte a client gets. */
public final class RawHttp {

  private RawHttp() {}

  /** A socket to {@code port} whose reads give up after 10 s. */
  public static Socket socket(int port) throws IOException {
    Socket socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(10_000);
    return socket;
  }

  /** Sends {@code request} to {@code port} and reads until the balancer ends the connection: the whole reply. */
  public static String exchange(int port, String request) throws IOException {
    try (Socket socket = socket(port)) {
      socket.getOutputStream().write(bytes(request));
      socket.getOutputStream().flush();
      return readAll(socket.getInputStream());
    }
  }

  public static String readAll(InputStream in) throws IOException {
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    in.transferTo(got);
    return got.toString(StandardCharsets.ISO_8859_1);
  }

  /** What follows the head of {@code reply}. */
  public static String body(String reply) {
    return reply.substring(reply.indexOf("\r\n\r\n") + 4);
  }

  public static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.ISO_8859_1);
  }
}
