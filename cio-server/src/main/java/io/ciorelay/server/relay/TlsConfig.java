package io.ciorelay.server.relay;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * How the relay serves HTTPS: its certificate from a PKCS#12 (or JKS) keystore, or from a PEM
 * certificate chain and a PEM PKCS#8 private key; and the protocols offered (default
 * {@code TLSv1.3,TLSv1.2}). The keystore password is a secret and is never shown by
 * {@link #toString()}. Immutable and thread-safe.
 */
public final class TlsConfig {
  public static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
  private static final List<String> KNOWN_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

  private final Path keystore;
  private final String keystoreType;
  private final String keystorePassword;
  private final Path certificate;
  private final Path privateKey;
  private final List<String> protocols;

  private TlsConfig(Path keystore, String keystoreType, String keystorePassword, Path certificate, Path privateKey,
      List<String> protocols) {
    this.keystore = keystore;
    this.keystoreType = keystoreType;
    this.keystorePassword = keystorePassword;
    this.certificate = certificate;
    this.privateKey = privateKey;
    this.protocols = protocols;
  }

  /**
   * A keystore ({@code PKCS12} or {@code JKS}); the password may be null for none.
   *
   * @throws IllegalArgumentException if the type is not PKCS12 or JKS
   */
  public static TlsConfig keystore(Path file, String type, String password) {
    Objects.requireNonNull(file, "keystore");
    String t = type == null ? "PKCS12" : type.toUpperCase(java.util.Locale.ROOT);
    if (!t.equals("PKCS12") && !t.equals("JKS")) {
      throw new IllegalArgumentException("tls keystore type must be PKCS12 or JKS but was '" + type + "'");
    }
    return new TlsConfig(file, t, password, null, null, DEFAULT_PROTOCOLS);
  }

  /** A PEM certificate chain (leaf first) and a PEM private key in PKCS#8 form ({@code BEGIN PRIVATE KEY}). */
  public static TlsConfig pem(Path certificate, Path privateKey) {
    return new TlsConfig(null, null, null, Objects.requireNonNull(certificate, "certificate"),
        Objects.requireNonNull(privateKey, "privateKey"), DEFAULT_PROTOCOLS);
  }

  /**
   * The same certificate offering only these protocols.
   *
   * @throws IllegalArgumentException if a protocol is not TLSv1.2 or TLSv1.3, or none is given
   */
  public TlsConfig protocols(List<String> v) {
    if (v == null || v.isEmpty()) {
      throw new IllegalArgumentException("tls protocols must name TLSv1.2 and/or TLSv1.3 but was empty");
    }
    for (String p : v) {
      if (!KNOWN_PROTOCOLS.contains(p)) {
        throw new IllegalArgumentException("tls protocols must be TLSv1.2 and/or TLSv1.3 but had '" + p + "'");
      }
    }
    return new TlsConfig(keystore, keystoreType, keystorePassword, certificate, privateKey, List.copyOf(v));
  }

  /** The keystore file, or null when PEM files are used. */
  public Path keystore() {
    return keystore;
  }

  public String keystoreType() {
    return keystoreType;
  }

  /** The keystore password (secret), or null. */
  public String keystorePassword() {
    return keystorePassword;
  }

  /** The PEM certificate chain, or null when a keystore is used. */
  public Path certificate() {
    return certificate;
  }

  /** The PEM private key, or null when a keystore is used. */
  public Path privateKey() {
    return privateKey;
  }

  public List<String> protocols() {
    return protocols;
  }

  @Override
  public String toString() {
    return (keystore != null ? "relay.tls.keystore=" + keystore + " (" + keystoreType + ", password "
        + (keystorePassword == null ? "not set" : "set") + ")"
        : "relay.tls.certificate=" + certificate + "\nrelay.tls.private-key=" + privateKey)
        + "\nrelay.tls.protocols=" + String.join(",", protocols);
  }
}
