package dev.levee.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Certificates made for a test, with the JDK's {@code keytool}: a CA, a server certificate for
 * {@code localhost} and {@code 127.0.0.1}, and a client certificate, all signed by the CA. Keys are
 * EC P-256, valid for a day. Nothing is fetched or stored outside {@code directory}.
 */
public final class TestCertificates {
  private static final String PASSWORD = "levee-test";

  private TestCertificates() {}

  /**
   * PEM material for TLS tests.
   *
   * @param caCertificatePem the CA's certificate
   * @param serverCertificatePem the server's certificate chain (server, then CA)
   * @param serverKeyPem the server's private key, PKCS#8
   * @param clientCertificatePem the client's certificate chain (client, then CA)
   * @param clientKeyPem the client's private key, PKCS#8
   */
  public record Tls(
      byte[] caCertificatePem,
      byte[] serverCertificatePem,
      byte[] serverKeyPem,
      byte[] clientCertificatePem,
      byte[] clientKeyPem) {}

  /** Makes a CA, a server and a client certificate in {@code directory}. */
  public static Tls create(Path directory) throws IOException {
    Path ca = directory.resolve("ca.p12");
    keytool(directory, "-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", "CN=Levee test CA", "-ext", "bc:c", "-validity", "1", "-keystore", ca.toString());
    keytool(directory, "-exportcert", "-rfc", "-alias", "ca", "-keystore", ca.toString(), "-file", "ca.pem");
    byte[] caPem = Files.readAllBytes(directory.resolve("ca.pem"));
    byte[][] server = signed(directory, ca, "server", "CN=localhost", "san=dns:localhost,ip:127.0.0.1");
    byte[][] client = signed(directory, ca, "client", "CN=Levee test client", null);
    return new Tls(caPem, concat(server[0], caPem), server[1], concat(client[0], caPem), client[1]);
  }

  /** A key pair for {@code name}, its certificate signed by the CA: {certificate PEM, key PEM}. */
  private static byte[][] signed(Path directory, Path ca, String name, String dname, String extension)
      throws IOException {
    Path store = directory.resolve(name + ".p12");
    keytool(directory, "-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", dname, "-validity", "1", "-keystore", store.toString());
    keytool(directory, "-certreq", "-alias", name, "-keystore", store.toString(), "-file", name + ".csr");
    List<String> sign =
        new ArrayList<>(
            List.of("-gencert", "-rfc", "-alias", "ca", "-keystore", ca.toString(), "-validity", "1",
                "-infile", name + ".csr", "-outfile", name + ".pem"));
    if (extension != null) {
      sign.add("-ext");
      sign.add(extension);
    }
    keytool(directory, sign.toArray(new String[0]));
    byte[] certificate = Files.readAllBytes(directory.resolve(name + ".pem"));
    return new byte[][] {certificate, privateKeyPem(store, name)};
  }

  private static byte[] privateKeyPem(Path store, String alias) throws IOException {
    try (InputStream in = Files.newInputStream(store)) {
      KeyStore keyStore = KeyStore.getInstance("PKCS12");
      keyStore.load(in, PASSWORD.toCharArray());
      PrivateKey key = (PrivateKey) keyStore.getKey(alias, PASSWORD.toCharArray());
      String base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded());
      return ("-----BEGIN PRIVATE KEY-----\n" + base64 + "\n-----END PRIVATE KEY-----\n").getBytes(StandardCharsets.US_ASCII);
    } catch (java.security.GeneralSecurityException e) {
      throw new IOException("Cannot read the key of " + alias + " from " + store, e);
    }
  }

  private static byte[] concat(byte[] first, byte[] second) {
    byte[] both = new byte[first.length + second.length];
    System.arraycopy(first, 0, both, 0, first.length);
    System.arraycopy(second, 0, both, first.length, second.length);
    return both;
  }

  private static void keytool(Path directory, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    command.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD));
    if (!args[0].equals("-exportcert")) {
      command.addAll(List.of("-keypass", PASSWORD));
    }
    Process process =
        new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
    try {
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IOException("keytool " + String.join(" ", args) + " failed: " + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("Interrupted while running keytool", e);
    }
  }
}
