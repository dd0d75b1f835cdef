package dev.levee.exporter.internal.transport;

import io.grpc.netty.shaded.io.netty.handler.ssl.JdkSslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslProvider;
import java.io.ByteArrayInputStream;
import java.security.NoSuchAlgorithmException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

/**
 * The JDK TLS context of the HTTP transport: the JDK's own defaults, or the configured trusted
 * certificates and client key. PEM files are read with the bundled Netty's parser (the gRPC
 * transport reads them the same way), which hands back a plain JDK {@link SSLContext}. Internal,
 * may change.
 */
final class HttpTls {
  private HttpTls() {}

  static SSLContext context(TransportSettings settings) throws SSLException {
    boolean clientKey = settings.clientKeyPem() != null && settings.clientCertificatePem() != null;
    if (settings.trustedCertificatesPem() == null && !clientKey) {
      try {
        return SSLContext.getDefault();
      } catch (NoSuchAlgorithmException e) {
        throw new SSLException("The JDK has no default TLS context", e);
      }
    }
    NettyDefaults.apply();
    SslContextBuilder ssl = SslContextBuilder.forClient().sslProvider(SslProvider.JDK);
    if (settings.trustedCertificatesPem() != null) {
      ssl.trustManager(new ByteArrayInputStream(settings.trustedCertificatesPem()));
    }
    if (clientKey) {
      ssl.keyManager(
          new ByteArrayInputStream(settings.clientCertificatePem()),
          new ByteArrayInputStream(settings.clientKeyPem()));
    }
    return ((JdkSslContext) ssl.build()).context();
  }
}
