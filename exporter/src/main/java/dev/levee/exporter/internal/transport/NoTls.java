package dev.levee.exporter.internal.transport;

import java.security.KeyManagementException;
import java.security.SecureRandom;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * The TLS context of a client that sends to a plaintext ({@code http://}) endpoint only. The JDK's
 * HTTP client takes the JVM's default TLS context as it is built, whatever the endpoint: under the
 * agent that is the first use of TLS in most applications, and it loads some 350 classes and reads
 * the trusted certificates, measured at the exit of a short-lived application (its last metric
 * export). This context is never used for a connection (the client follows no redirects); if it
 * ever were, it refuses rather than connect without the configured trust.
 *
 * <p>Internal, may change.
 */
final class NoTls {
  private NoTls() {}

  /** A context that refuses every use. */
  static SSLContext context() {
    return new SSLContext(new Refusing(), null, "TLS") {};
  }

  /** Parameters for the client, so that it does not ask the context for its defaults. */
  static SSLParameters parameters() {
    return new SSLParameters();
  }

  private static final class Refusing extends SSLContextSpi {
    private static UnsupportedOperationException refused() {
      return new UnsupportedOperationException("Levee's client for a plaintext endpoint has no TLS");
    }

    @Override
    protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr)
        throws KeyManagementException {
      throw refused();
    }

    @Override
    protected SSLSocketFactory engineGetSocketFactory() {
      throw refused();
    }

    @Override
    protected SSLServerSocketFactory engineGetServerSocketFactory() {
      throw refused();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine() {
      throw refused();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine(String host, int port) {
      throw refused();
    }

    @Override
    protected SSLSessionContext engineGetServerSessionContext() {
      throw refused();
    }

    @Override
    protected SSLSessionContext engineGetClientSessionContext() {
      throw refused();
    }
  }
}
