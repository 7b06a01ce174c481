package example;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SignupTest {
  @TempDir
  Path dir;

  /** Nothing listens on port 1: both operations are accepted and kept on disk for later. */
  @Test
  void theSnippetAcceptsAndStoresDurably() throws Exception {
    String result = Signup.run("http://127.0.0.1:1", dir.resolve("outbox.db"));
    System.out.println("README snippet: " + result);
    assertEquals("accepted=true durable=true accepted operations=2", result);
    assertEquals("example", Signup.class.getModule().getName(), "the library was used on the module path");
  }
}
