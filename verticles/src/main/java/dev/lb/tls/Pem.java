package dev.lb.tls;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemKeyCertOptions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.X509KeyManager;

/**
 * Reads a certificate chain and its private key from PEM files and checks them as a server would need them: both
 * readable, a certificate first in its file, a private key Vert.x can load (PKCS#8, PKCS#1 RSA or SEC1 EC, not
 * encrypted), the key the certificate's, the certificate valid now. Whatever is wrong is one {@link TlsFileException}.
 */
public final class Pem {

  /** The kinds of key a server's certificate may hold. */
  private static final List<String> KEY_TYPES = List.of("RSA", "EC", "EdDSA", "Ed25519", "Ed448", "RSASSA-PSS", "DSA");
  private static final Pattern BLOCK = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);

  /**
   * A checked certificate and key, as read.
   *
   * @param certFile where the chain came from
   * @param keyFile  where the key came from
   * @param cert     the chain file's bytes, as Vert.x will read them
   * @param key      the key file's bytes
   * @param leaf     the chain's first certificate, the server's own
   */
  public record Pair(Path certFile, Path keyFile, Buffer cert, Buffer key, X509Certificate leaf) {

    /** The leaf's serial number in hex, as {@code openssl x509 -serial} shows it. */
    public String serial() {
      return leaf.getSerialNumber().toString(16).toUpperCase(Locale.ROOT);
    }

    /** A short description for the log: subject, serial, expiry. */
    public String describe() {
      return leaf.getSubjectX500Principal().getName() + ", serial " + serial() + ", valid until "
          + leaf.getNotAfter().toInstant();
    }
  }

  private Pem() {}

  /** Reads and checks the pair, {@code certSetting} and {@code keySetting} naming where each path was set. */
  public static Pair load(Path certFile, String certSetting, Path keyFile, String keySetting, Instant now) {
    return check(certFile, certSetting, read(certFile, certSetting), keyFile, keySetting, read(keyFile, keySetting), now);
  }

  /** Checks the pair as read already ({@link #read}). */
  static Pair check(Path certFile, String certSetting, byte[] certBytes, Path keyFile, String keySetting, byte[] keyBytes,
      Instant now) {
    List<X509Certificate> chain = certificates(certBytes, certFile, certSetting);
    X509Certificate leaf = chain.get(0);
    if (leaf.getNotAfter().toInstant().isBefore(now)) {
      throw new TlsFileException(certFile, certSetting, "the certificate expired on " + leaf.getNotAfter().toInstant()
          + " (" + leaf.getSubjectX500Principal().getName() + ")");
    }
    if (leaf.getNotBefore().toInstant().isAfter(now)) {
      throw new TlsFileException(certFile, certSetting, "the certificate is not valid before "
          + leaf.getNotBefore().toInstant() + " (" + leaf.getSubjectX500Principal().getName() + ")");
    }
    PrivateKey key = privateKey(keyBytes, certBytes, keyFile, keySetting);
    if (!matches(key, leaf.getPublicKey())) {
      throw new TlsFileException(keyFile, keySetting, "the private key does not match the certificate in " + certFile
          + " (" + leaf.getSubjectX500Principal().getName() + ")");
    }
    return new Pair(certFile, keyFile, Buffer.buffer(certBytes), Buffer.buffer(keyBytes), leaf);
  }

  /** The certificates of a PEM file of CA certificates (a trust file); at least one. */
  public static List<X509Certificate> trusted(Path file, String setting) {
    return certificates(read(file, setting), file, setting);
  }

  static byte[] read(Path file, String setting) {
    if (Files.isDirectory(file)) {
      throw new TlsFileException(file, setting, "is a folder, not a PEM file");
    }
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new TlsFileException(file, setting, "no such file");
    } catch (AccessDeniedException e) {
      throw new TlsFileException(file, setting, "cannot be read: permission denied");
    } catch (IOException e) {
      throw new TlsFileException(file, setting, "cannot be read: " + e.getMessage());
    }
  }

  private static List<X509Certificate> certificates(byte[] bytes, Path file, String setting) {
    String text = new String(bytes, StandardCharsets.US_ASCII);
    List<X509Certificate> chain = new ArrayList<>();
    boolean keyInside = false;
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      String label = m.group(1);
      if (label.endsWith("PRIVATE KEY")) {
        keyInside = true;
      } else if (label.equals("CERTIFICATE")) {
        chain.add(certificate(decode(m.group(2), file, setting), file, setting));
      }
    }
    if (chain.isEmpty()) {
      throw new TlsFileException(file, setting, keyInside
          ? "holds a private key, not a certificate (are the certificate and key settings swapped?)"
          : "no PEM certificate in it (-----BEGIN CERTIFICATE-----)");
    }
    return chain;
  }

  private static X509Certificate certificate(byte[] der, Path file, String setting) {
    try {
      Collection<? extends java.security.cert.Certificate> certs =
          CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(der));
      if (certs.size() != 1) {
        throw new TlsFileException(file, setting, "a PEM certificate block holds " + certs.size() + " certificates");
      }
      return (X509Certificate) certs.iterator().next();
    } catch (CertificateException e) {
      throw new TlsFileException(file, setting, "not a valid X.509 certificate: " + e.getMessage());
    }
  }

  private static byte[] decode(String base64, Path file, String setting) {
    try {
      return Base64.getMimeDecoder().decode(base64.trim());
    } catch (IllegalArgumentException e) {
      throw new TlsFileException(file, setting, "a PEM block is not valid base64: " + e.getMessage());
    }
  }

  /** The key, read as Vert.x reads it (with the certificate beside it, as its key store wants a pair). */
  private static PrivateKey privateKey(byte[] keyBytes, byte[] certBytes, Path file, String setting) {
    String text = new String(keyBytes, StandardCharsets.US_ASCII);
    Matcher m = BLOCK.matcher(text);
    String label = null;
    boolean certificateInside = false;
    while (m.find()) {
      if (m.group(1).endsWith("PRIVATE KEY")) {
        label = m.group(1);
        if (label.equals("ENCRYPTED PRIVATE KEY") || m.group(2).contains("Proc-Type: 4,ENCRYPTED")) {
          throw new TlsFileException(file, setting, "the private key is encrypted; give it unencrypted "
              + "(openssl pkey -in KEY -out PLAIN-KEY), readable by this user only");
        }
        break;
      }
      certificateInside |= m.group(1).equals("CERTIFICATE");
    }
    if (label == null) {
      throw new TlsFileException(file, setting, certificateInside
          ? "holds a certificate, not a private key (are the certificate and key settings swapped?)"
          : "no PEM private key in it (-----BEGIN PRIVATE KEY-----, RSA PRIVATE KEY or EC PRIVATE KEY)");
    }
    KeyManagerFactory factory;
    try {
      // values only: the Vert.x instance would only be asked to read paths
      factory = new PemKeyCertOptions().setKeyValue(Buffer.buffer(keyBytes)).setCertValue(Buffer.buffer(certBytes))
          .getKeyManagerFactory(null);
    } catch (Exception e) {
      throw new TlsFileException(file, setting, "the " + label + " cannot be read (PKCS#8, PKCS#1 RSA or SEC1 EC): "
          + rootMessage(e));
    }
    for (KeyManager manager : factory.getKeyManagers()) {
      if (manager instanceof X509KeyManager x509) {
        for (String type : KEY_TYPES) {
          String[] aliases = x509.getServerAliases(type, null);
          if (aliases != null && aliases.length > 0) {
            return x509.getPrivateKey(aliases[0]);
          }
        }
      }
    }
    throw new TlsFileException(file, setting, "the " + label + " is of a kind a server cannot use");
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  /** Whether {@code key} is the private half of {@code publicKey}: the same modulus (RSA), or a signature that verifies. */
  static boolean matches(PrivateKey key, PublicKey publicKey) {
    if (key instanceof RSAKey rsa && publicKey instanceof RSAKey rsaPublic) {
      return rsa.getModulus().equals(rsaPublic.getModulus());
    }
    if (!key.getAlgorithm().equals(publicKey.getAlgorithm())) {
      return false;
    }
    String algorithm = switch (key.getAlgorithm()) {
      case "EC" -> "SHA256withECDSA";
      case "Ed25519", "Ed448", "EdDSA" -> key.getAlgorithm();
      case "DSA" -> "SHA256withDSA";
      default -> null;
    };
    if (algorithm == null) {
      // a kind of key this check does not know: Vert.x's own load decides
      return true;
    }
    try {
      byte[] challenge = new BigInteger(128, new SecureRandom()).toByteArray();
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(challenge);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(challenge);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
