package dev.levee.exporter.internal.encode;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.resources.Resource;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What the OpenTelemetry SDK that Levee runs against offers beyond the oldest one it supports
 * (1.44), detected once when this class initialises.
 *
 * <p>Levee is compiled against SDK 1.44. Newer data is read only where the running SDK has it:
 *
 * <ul>
 *   <li>log record event names ({@code LogRecordData.getEventName()}, SDK 1.50 and later);
 *   <li>entity references on resources (SDK 1.67 and later; read once per resource, reflectively,
 *       because the SDK exposes entities only through its internal package).
 * </ul>
 *
 * <p>Internal, may change. Thread-safe: immutable after class initialisation.
 */
public final class RunningSdk {
  /** The oldest SDK Levee supports: the one agent 2.10.0 bundles. */
  public static final String OLDEST_SUPPORTED = "1.44";

  private static final Logger logger = Logger.getLogger(RunningSdk.class.getName());
  private static final AtomicBoolean entityFailureLogged = new AtomicBoolean();

  private static final String VERSION = readVersion();
  private static final MethodHandle EVENT_NAME = eventNameHandle();
  private static final EntityReader ENTITIES = EntityReader.detect();

  private RunningSdk() {}

  /** The running SDK's version (from its {@code version.properties}), or "unknown". */
  public static String version() {
    return VERSION;
  }

  /**
   * Whether the running SDK is older than {@link #OLDEST_SUPPORTED}. An SDK whose version cannot
   * be read is taken as supported: the same classes are present or Levee could not have loaded.
   */
  public static boolean olderThanSupported() {
    return isOlder(VERSION, OLDEST_SUPPORTED);
  }

  /** Whether log records carry event names here. */
  public static boolean hasLogEventNames() {
    return EVENT_NAME != null;
  }

  /** Whether resources carry entities here. */
  public static boolean hasResourceEntities() {
    return ENTITIES != null;
  }

  /** What this SDK does not offer, in words for the start-up line; empty when nothing is off. */
  public static List<String> featuresOff() {
    List<String> off = new ArrayList<>();
    if (!hasLogEventNames()) {
      off.add("log event names (SDK 1.50+)");
    }
    if (!hasResourceEntities()) {
      off.add("resource entity references (SDK 1.67+)");
    }
    return off;
  }

  /** The log record's event name, or null where it has none or the SDK has no event names. */
  static String eventName(LogRecordData log) {
    if (EVENT_NAME == null) {
      return null;
    }
    try {
      return (String) EVENT_NAME.invokeExact(log);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The resource's entities; empty where it has none or the SDK has no entities. Should reading
   * them ever fail, the resource is written without them (said once in the log): entity references
   * are worth less than the data they describe.
   */
  static List<Entity> entities(Resource resource) {
    if (ENTITIES == null) {
      return List.of();
    }
    try {
      return ENTITIES.read(resource);
    } catch (RuntimeException e) {
      if (entityFailureLogged.compareAndSet(false, true)) {
        logger.log(
            Level.WARNING,
            "Levee could not read a resource's entities; resources are sent without entity"
                + " references",
            e);
      }
      return List.of();
    }
  }

  /**
   * An entity a resource holds, as OTLP's {@code EntityRef} names it.
   *
   * @param type the entity type
   * @param schemaUrl its schema URL, or null
   * @param idKeys the keys of its identifying attributes, in the SDK's order
   * @param descriptionKeys the keys of its descriptive attributes, in the SDK's order
   */
  record Entity(String type, String schemaUrl, List<String> idKeys, List<String> descriptionKeys) {}

  /** Compares dotted versions by their first two numbers; "unknown" is never older. */
  static boolean isOlder(String version, String than) {
    int[] v = majorMinor(version);
    int[] t = majorMinor(than);
    if (v == null || t == null) {
      return false;
    }
    return v[0] != t[0] ? v[0] < t[0] : v[1] < t[1];
  }

  private static int[] majorMinor(String version) {
    String[] parts = version.split("[.-]");
    if (parts.length < 2) {
      return null;
    }
    try {
      return new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])};
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static String readVersion() {
    // Every SDK artifact carries its version; inside the agent it is served from the agent's
    // copy of the SDK, as the class itself is.
    try (InputStream in =
        Resource.class.getResourceAsStream("/io/opentelemetry/sdk/common/version.properties")) {
      if (in != null) {
        Properties properties = new Properties();
        properties.load(in);
        String version = properties.getProperty("sdk.version");
        if (version != null && !version.isBlank()) {
          return version.trim();
        }
      }
    } catch (IOException | RuntimeException e) {
      // Unknown, then.
    }
    return "unknown";
  }

  private static MethodHandle eventNameHandle() {
    try {
      return MethodHandles.publicLookup()
          .findVirtual(LogRecordData.class, "getEventName", MethodType.methodType(String.class))
          .asType(MethodType.methodType(String.class, LogRecordData.class));
    } catch (NoSuchMethodException | IllegalAccessException | RuntimeException e) {
      return null;
    }
  }

  /** Reads entities through the SDK's own accessors, found once. */
  private static final class EntityReader {
    private final Method getEntities;
    private final Method type;
    private final Method schemaUrl;
    private final Method id;
    private final Method description;

    private EntityReader(
        Method getEntities, Method type, Method schemaUrl, Method id, Method description) {
      this.getEntities = getEntities;
      this.type = type;
      this.schemaUrl = schemaUrl;
      this.id = id;
      this.description = description;
    }

    static EntityReader detect() {
      try {
        Method getEntities = Resource.class.getDeclaredMethod("getEntities");
        getEntities.setAccessible(true);
        Class<?> entity =
            Class.forName(
                "io.opentelemetry.sdk.resources.internal.Entity",
                false,
                Resource.class.getClassLoader());
        EntityReader reader =
            new EntityReader(
                getEntities,
                entity.getMethod("getType"),
                entity.getMethod("getSchemaUrl"),
                entity.getMethod("getId"),
                entity.getMethod("getDescription"));
        reader.read(Resource.empty());
        return reader;
      } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
        return null;
      }
    }

    List<Entity> read(Resource resource) {
      try {
        Collection<?> entities = (Collection<?>) getEntities.invoke(resource);
        if (entities == null || entities.isEmpty()) {
          return List.of();
        }
        List<Entity> read = new ArrayList<>(entities.size());
        for (Object entity : entities) {
          read.add(
              new Entity(
                  (String) type.invoke(entity),
                  (String) schemaUrl.invoke(entity),
                  keys((Attributes) id.invoke(entity)),
                  keys((Attributes) description.invoke(entity))));
        }
        return read;
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("Could not read the resource's entities", e);
      }
    }

    private static List<String> keys(Attributes attributes) {
      List<String> keys = new ArrayList<>(attributes.size());
      attributes.asMap().keySet().forEach(key -> keys.add(key.getKey()));
      return keys;
    }
  }
}
