package dev.lb.tls;

import io.netty.handler.ssl.OpenSslCachingX509KeyManagerFactory;
import io.vertx.core.Vertx;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.util.function.Function;
import javax.net.ssl.KeyManagerFactory;

/**
 * PEM pairs for the native engine, their key material kept in OpenSSL's form once made. Given a plain key manager
 * factory, Netty's OpenSSL engine converts the chain and key to native form again for every handshake ("the material
 * may change at runtime"); it caches them only for an {@link OpenSslCachingX509KeyManagerFactory}. Here the material
 * never changes: a rotation makes new options, so new factories.
 */
final class NativeKeyCerts implements KeyCertOptions {

  private final PemKeyCertOptions pem;

  NativeKeyCerts(PemKeyCertOptions pem) {
    this.pem = pem;
  }

  @Override
  public KeyCertOptions copy() {
    return new NativeKeyCerts(pem.copy());
  }

  @Override
  public KeyManagerFactory getKeyManagerFactory(Vertx vertx) throws Exception {
    return new OpenSslCachingX509KeyManagerFactory(pem.getKeyManagerFactory(vertx));
  }

  @Override
  public Function<String, KeyManagerFactory> keyManagerFactoryMapper(Vertx vertx) throws Exception {
    Function<String, KeyManagerFactory> byName = pem.keyManagerFactoryMapper(vertx);
    return name -> {
      KeyManagerFactory factory = byName.apply(name);
      return factory == null ? null : new OpenSslCachingX509KeyManagerFactory(factory);
    };
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof NativeKeyCerts n && n.pem.equals(pem);
  }

  @Override
  public int hashCode() {
    return pem.hashCode() * 31 + 1;
  }
}
