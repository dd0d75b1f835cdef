package dev.levee.config.agent;

/**
 * Makes Levee's implementation of an SDK interface, from {@link LeveeClassLoader}. The one loader
 * is made on first use.
 *
 * <p>Internal, may change.
 */
final class Levee {
  private Levee() {}

  private static final class Loader {
    static final ClassLoader INSTANCE = new LeveeClassLoader(Levee.class.getClassLoader());
  }

  /**
   * A new {@code className} (public, with a public no-argument constructor) as {@code type}.
   *
   * @throws IllegalStateException when the extension jar does not hold it (a broken build)
   */
  static <T> T create(String className, Class<T> type) {
    try {
      Class<?> made = Class.forName(className, true, Loader.INSTANCE);
      return type.cast(made.getConstructor().newInstance());
    } catch (ReflectiveOperationException | LinkageError | ClassCastException e) {
      throw new IllegalStateException(
          "Levee's extension jar does not hold a usable " + className + " (" + e + ")", e);
    }
  }

  /** The class name of Levee's loader, for the agent's ignore rules. */
  static String loaderClassName() {
    return LeveeClassLoader.class.getName();
  }
}
