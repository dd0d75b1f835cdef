package dev.levee.exporter.internal.transport;

import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;

/**
 * Tells Levee's bundled Netty what it runs without, before it loads. Internal, may change.
 *
 * <p>Levee bundles Netty without its native libraries and uses the NIO transport. Probing for
 * natives makes Java 22+ print restricted-method warnings into the host's output, and Unsafe use
 * makes Java 24+ print deprecation warnings (JEP 472, 498). Only the extension jar's relocated copy
 * is told (the property names are relocated with it): used as a plain library, Levee shares the
 * application's Netty and must not change it.
 */
final class NettyDefaults {
  private NettyDefaults() {}

  /** Sets the properties once, if the user has not. Any thread. */
  static void apply() {
    if (NettyChannelBuilder.class.getName().startsWith("dev.levee.shaded.")) {
      setIfAbsent("io.grpc.netty.shaded.io.netty.transport.noNative", "true");
      setIfAbsent("io.grpc.netty.shaded.io.netty.noUnsafe", "true");
    }
  }

  private static void setIfAbsent(String property, String value) {
    try {
      if (System.getProperty(property) == null) {
        System.setProperty(property, value);
      }
    } catch (SecurityException e) {
      // Without permission Netty probes as usual; that costs warnings, not function.
    }
  }
}
