package io.ciorelay.spring.app;

import io.ciorelay.delivery.CustomerIo;
import io.ciorelay.delivery.Receipt;
import java.util.Map;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** A web application as a user writes it: the starter's CustomerIo bean injected, nothing else wired. */
@SpringBootApplication
public class DemoApplication {

  @RestController
  static class Signups {
    private final CustomerIo cio;

    Signups(CustomerIo cio) {
      this.cio = cio;
    }

    @PostMapping("/signup/{person}")
    String signup(@PathVariable("person") String person) {
      cio.identify(person, Map.of("plan", "trial"));
      Receipt r = cio.track(person, "signed_up", Map.of("source", "web"));
      return r.status().name();
    }
  }
}
