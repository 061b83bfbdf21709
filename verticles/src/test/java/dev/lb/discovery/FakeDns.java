package dev.lb.discovery;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny DNS server on 127.0.0.1 for tests: it answers A and AAAA questions for the names it is told, with a TTL of
 * 600 s (as Docker's embedded DNS), NXDOMAIN for the others, and counts the questions it gets.
 */
final class FakeDns implements AutoCloseable {

  private static final int A = 1;
  private static final int AAAA = 28;

  private final DatagramSocket socket;
  private final Thread thread;
  private final Map<String, List<InetAddress>> names = new ConcurrentHashMap<>();
  private final AtomicInteger questions = new AtomicInteger();

  FakeDns() throws SocketException {
    socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
    thread = new Thread(this::serve, "fake-dns");
    thread.setDaemon(true);
    thread.start();
  }

  int port() {
    return socket.getLocalPort();
  }

  /** {@code name} resolves to {@code addresses} from now on (none: NOERROR with no answer). */
  void set(String name, List<InetAddress> addresses) {
    names.put(name, addresses);
  }

  /** {@code name} no longer resolves (NXDOMAIN). */
  void remove(String name) {
    names.remove(name);
  }

  int questions() {
    return questions.get();
  }

  private void serve() {
    byte[] buffer = new byte[512];
    while (!socket.isClosed()) {
      DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
      try {
        socket.receive(packet);
        questions.incrementAndGet();
        byte[] reply = answer(ByteBuffer.wrap(packet.getData(), 0, packet.getLength()));
        socket.send(new DatagramPacket(reply, reply.length, packet.getSocketAddress()));
      } catch (IOException e) {
        return;
      }
    }
  }

  private byte[] answer(ByteBuffer query) {
    short id = query.getShort(0);
    int at = 12;
    StringBuilder name = new StringBuilder();
    for (int length = query.get(at) & 0xff; length > 0; length = query.get(at) & 0xff) {
      if (name.length() > 0) {
        name.append('.');
      }
      for (int k = 1; k <= length; k++) {
        name.append((char) query.get(at + k));
      }
      at += length + 1;
    }
    int type = query.getShort(at + 1) & 0xffff;
    int questionEnd = at + 5;
    List<InetAddress> addresses = names.get(name.toString());
    List<InetAddress> answers = addresses == null ? List.of() : addresses.stream()
        .filter(a -> a.getAddress().length == (type == AAAA ? 16 : 4) && (type == A || type == AAAA)).toList();
    ByteBuffer reply = ByteBuffer.allocate(512);
    reply.putShort(id).putShort((short) (addresses == null ? 0x8183 : 0x8180)).putShort((short) 1)
        .putShort((short) answers.size()).putShort((short) 0).putShort((short) 0);
    reply.put(query.array(), 12, questionEnd - 12);
    for (InetAddress address : answers) {
      byte[] bytes = address.getAddress();
      reply.putShort((short) 0xc00c).putShort((short) type).putShort((short) 1).putInt(600)
          .putShort((short) bytes.length).put(bytes);
    }
    byte[] out = new byte[reply.position()];
    reply.flip().get(out);
    return out;
  }

  @Override
  public void close() throws InterruptedException {
    socket.close();
    thread.join(5000);
  }
}
