package dev.levee.config.agent;

/**
 * What Levee's class loader offers the thread that loads Levee's start-up classes ahead ({@code
 * dev.levee.config.internal.StartUpClasses}): their class files read in one piece, from the
 * extension jar's start-up pack, rather than one lookup each through the agent's extension loader.
 * Outside the agent no loader offers it, and the classes load as any others.
 *
 * <p>Internal, may change.
 */
public interface StartUpPack {
  /**
   * Reads the pack, once: each class in it is then defined from these bytes when it is loaded.
   * Never throws; a pack that cannot be read leaves every class to be read on its own.
   */
  void readStartUpPack();

  /** Lets go of the bytes of any class in the pack not loaded by now. */
  void forgetStartUpPack();
}
