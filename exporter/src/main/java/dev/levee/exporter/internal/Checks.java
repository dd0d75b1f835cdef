package dev.levee.exporter.internal;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Objects;

/**
 * The builder's validations: each names the setting and the bad value in its {@link
 * IllegalArgumentException}. Internal, may change.
 */
public final class Checks {
  private Checks() {}

  /** An OTLP endpoint URL: scheme http or https and a host. */
  public static URI endpoint(String endpoint) {
    Objects.requireNonNull(endpoint, "endpoint");
    URI uri;
    try {
      uri = new URI(endpoint);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("endpoint must be a URL, was '" + endpoint + "'", e);
    }
    if (uri.getScheme() == null
        || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
        || uri.getHost() == null) {
      throw new IllegalArgumentException(
          "endpoint must be a URL with scheme http or https and a host, was '" + endpoint + "'");
    }
    return uri;
  }

  /** Fails now, with the setting's name, rather than at the first connection. */
  public static void certificates(byte[] pem, String name) {
    try {
      if (CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(pem))
          .isEmpty()) {
        throw new IllegalArgumentException(name + " must hold PEM X.509 certificates, found none");
      }
    } catch (CertificateException e) {
      throw new IllegalArgumentException(
          name + " must hold PEM X.509 certificates: " + e.getMessage(), e);
    }
  }

  /** Throws {@link IllegalArgumentException} with {@code message} unless {@code condition}. */
  public static void argument(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }

  /** A duration that must be set and positive. */
  public static void positive(Duration duration, String name) {
    Objects.requireNonNull(duration, name);
    argument(
        !duration.isNegative() && !duration.isZero(),
        name + " must be positive, was " + duration);
  }
}
