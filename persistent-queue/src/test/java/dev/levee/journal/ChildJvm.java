package dev.levee.journal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The command line of a child JVM on this test's class path, with the flags Chronicle needs. */
public final class ChildJvm {
  private ChildJvm() {}

  public static List<String> command(Class<?> main, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("--add-exports=java.base/sun.nio.ch=ALL-UNNAMED");
    command.add("--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED");
    command.add("--add-opens=java.base/java.lang.reflect=ALL-UNNAMED");
    command.add("--add-opens=java.base/java.nio=ALL-UNNAMED");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(main.getName());
    command.addAll(List.of(args));
    return command;
  }
}
