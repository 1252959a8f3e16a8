package io.ballast.testing;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * Runs a {@link TestBackend} as its own process, so tests can kill it with SIGKILL like a crashed
 * VM. Prints {@code LISTENING <port>} once bound; reads commands on stdin: {@code mode NAME},
 * {@code delay MS}.
 */
public final class TestBackendMain {
  private TestBackendMain() {}

  /** {@code TestBackendMain ID [PORT]}. */
  public static void main(String[] args) throws Exception {
    TestBackend b =
        args.length > 1
            ? TestBackend.start(args[0], Integer.parseInt(args[1]))
            : TestBackend.start(args[0]);
    System.out.println("LISTENING " + b.port());
    System.out.flush();
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      String[] parts = line.trim().split("\\s+");
      switch (parts[0]) {
        case "mode" -> b.mode(TestBackend.Mode.valueOf(parts[1]));
        case "delay" -> b.delay(Long.parseLong(parts[1]));
        default -> {}
      }
    }
    b.close();
  }
}
