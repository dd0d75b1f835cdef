package dev.levee.config.agent;

/**
 * One of Levee's implementations, made from {@link LeveeClassLoader} when first asked for, then
 * kept.
 *
 * <p>Internal, may change.
 */
final class Lazy<T> {
  private final String className;
  private final Class<T> type;
  private volatile T made;

  Lazy(String className, Class<T> type) {
    this.className = className;
    this.type = type;
  }

  T get() {
    T it = made;
    if (it == null) {
      synchronized (this) {
        it = made;
        if (it == null) {
          it = Levee.create(className, type);
          made = it;
        }
      }
    }
    return it;
  }

  /** The implementation if it was made, or null: for calls that only follow a first one. */
  T ifMade() {
    return made;
  }

  String className() {
    return className;
  }
}
