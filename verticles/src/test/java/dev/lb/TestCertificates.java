package dev.lb;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Throw-away certificates made by the tests with BouncyCastle: a CA, and server certificates it signs (for
 * {@code localhost} and {@code 127.0.0.1} unless told otherwise), written as PEM files. Nothing is downloaded or kept.
 */
public final class TestCertificates {

  private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());

  /** A certificate and its key pair. */
  public record Issued(X509Certificate cert, KeyPair keys) {

    public String serialHex() {
      return cert.getSerialNumber().toString(16).toUpperCase(java.util.Locale.ROOT);
    }
  }

  private TestCertificates() {}

  /** A new EC P-256 key pair (fast to make); {@code rsa}: RSA 2048 instead. */
  public static KeyPair keys(boolean rsa) {
    try {
      if (rsa) {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return g.generateKeyPair();
      }
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A CA, valid for a day around now. */
  public static Issued ca(String name) {
    KeyPair keys = keys(false);
    X500Name subject = new X500Name("CN=" + name);
    Instant now = Instant.now();
    return new Issued(build(subject, keys.getPublic(), subject, keys.getPrivate(), now.minus(Duration.ofHours(1)),
        now.plus(Duration.ofDays(1)), true, List.of()), keys);
  }

  /** A server certificate for {@code localhost} and 127.0.0.1 signed by {@code ca}, valid for a day around now. */
  public static Issued server(Issued ca, String cn) {
    Instant now = Instant.now();
    return server(ca, cn, keys(false), now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)), "localhost", "127.0.0.1");
  }

  /** A server certificate of {@code keys} for {@code names} (DNS names or IP addresses), valid from/until. */
  public static Issued server(Issued ca, String cn, KeyPair keys, Instant notBefore, Instant notAfter, String... names) {
    X500Name issuer = new X500Name(ca.cert().getSubjectX500Principal().getName());
    return new Issued(build(new X500Name("CN=" + cn), keys.getPublic(), issuer, ca.keys().getPrivate(), notBefore,
        notAfter, false, List.of(names)), keys);
  }

  private static X509Certificate build(X500Name subject, java.security.PublicKey key, X500Name issuer, PrivateKey signer,
      Instant notBefore, Instant notAfter, boolean ca, List<String> names) {
    try {
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIALS.incrementAndGet()),
          Date.from(notBefore), Date.from(notAfter), subject, key);
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
      if (ca) {
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      } else {
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        List<GeneralName> alt = new ArrayList<>();
        for (String n : names) {
          alt.add(n.matches("[0-9.]+|.*:.*") ? new GeneralName(GeneralName.iPAddress, InetAddress.getByName(n).getHostAddress())
              : new GeneralName(GeneralName.dNSName, n));
        }
        if (!alt.isEmpty()) {
          b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(alt.toArray(GeneralName[]::new)));
        }
      }
      String algorithm = signer.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
      ContentSigner contentSigner = new JcaContentSignerBuilder(algorithm).build(signer);
      return new JcaX509CertificateConverter().getCertificate(b.build(contentSigner));
    } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The PEM text of {@code chain}. */
  public static String pem(X509Certificate... chain) {
    StringBuilder text = new StringBuilder();
    try {
      for (X509Certificate c : chain) {
        text.append(block("CERTIFICATE", c.getEncoded()));
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    return text.toString();
  }

  /** The PEM text of {@code key}: PKCS#8, or its own structure (PKCS#1 RSA, SEC1 EC) if {@code traditional}. */
  public static String pem(PrivateKey key, boolean traditional) {
    if (!traditional) {
      return block("PRIVATE KEY", key.getEncoded());
    }
    try {
      PrivateKeyInfo info = PrivateKeyInfo.getInstance(key.getEncoded());
      if (key.getAlgorithm().equals("RSA")) {
        return block("RSA PRIVATE KEY", info.parsePrivateKey().toASN1Primitive().getEncoded());
      }
      // SEC1 as openssl writes it: with the curve, which PKCS#8 keeps outside
      org.bouncycastle.asn1.sec.ECPrivateKey inner = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(info.parsePrivateKey());
      org.bouncycastle.asn1.ASN1Encodable curve = info.getPrivateKeyAlgorithm().getParameters();
      org.bouncycastle.asn1.sec.ECPrivateKey sec1 = inner.getPublicKey() == null
          ? new org.bouncycastle.asn1.sec.ECPrivateKey(256, inner.getKey(), curve)
          : new org.bouncycastle.asn1.sec.ECPrivateKey(256, inner.getKey(), inner.getPublicKey(), curve);
      return block("EC PRIVATE KEY", sec1.getEncoded());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String block(String label, byte[] der) {
    String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
  }

  /** Writes {@code text} to {@code file} in one go (a new file moved over the old one: no half-written file is seen). */
  public static Path write(Path file, String text) {
    try {
      Path tmp = Files.createTempFile(file.getParent(), ".tmp", ".pem");
      Files.writeString(tmp, text);
      return Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes {@code issued}'s certificate (then {@code chain}) to {@code cert} and its key (PKCS#8) to {@code key}. */
  public static void writePair(Issued issued, Path cert, Path key, X509Certificate... chain) {
    List<X509Certificate> all = new ArrayList<>();
    all.add(issued.cert());
    all.addAll(List.of(chain));
    write(cert, pem(all.toArray(X509Certificate[]::new)));
    write(key, pem(issued.keys().getPrivate(), false));
  }
}
