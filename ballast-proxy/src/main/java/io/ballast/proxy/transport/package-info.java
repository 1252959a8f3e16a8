/** Socket transport selection: native epoll with SO_REUSEPORT, or NIO. */
package io.ballast.proxy.transport;
