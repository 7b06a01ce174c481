/** The example application, a named module that reads the library's. */
module example {
  requires io.ciorelay.delivery;

  exports example;
}
