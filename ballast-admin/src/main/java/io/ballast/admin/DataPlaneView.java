package io.ballast.admin;

/**
 * What the admin API shows of the data plane, kept to an interface so the admin module does not
 * depend on the proxy (the node adapts its {@code ProxyServer}).
 */
public interface DataPlaneView {
  /** No data plane: nothing bound. */
  DataPlaneView NONE =
      new DataPlaneView() {
        @Override
        public int port(String listener) {
          return -1;
        }

        @Override
        public int clientConnections() {
          return 0;
        }
      };

  /** The port a listener is bound to (the actual one when the config says 0), or -1. */
  int port(String listener);

  /** Open client connections, across listeners. */
  int clientConnections();

  /** Open client connections of one listener. */
  default int clientConnections(String listener) {
    return 0;
  }
}
