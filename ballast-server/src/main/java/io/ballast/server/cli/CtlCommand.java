package io.ballast.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ballast.core.config.Durations;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code ballast ctl VERB ...}: talks to a running node's admin API. Human-readable tables by
 * default, the API's own JSON with {@code --json}; one-line errors; exit status 0 done, 1 refused
 * by the node, 2 usage, 3 unreachable.
 */
@Command(
    name = "ctl",
    mixinStandardHelpOptions = true,
    description = {
      "Talk to a running node's admin API.",
      "",
      "Changes (add, remove, drain, enable, maint, weight) are recorded by the node in",
      "<config>.runtime.json and survive reloads and restarts; 'ctl overlay' shows them."
    },
    subcommands = {
      CtlCommand.Status.class,
      CtlCommand.Pools.class,
      CtlCommand.Backends.class,
      CtlCommand.Add.class,
      CtlCommand.Remove.class,
      CtlCommand.Drain.class,
      CtlCommand.Enable.class,
      CtlCommand.Maint.class,
      CtlCommand.Weight.class,
      CtlCommand.Reload.class,
      CtlCommand.Restart.class,
      CtlCommand.Hosts.class,
      CtlCommand.HostDown.class,
      CtlCommand.HostUp.class,
      CtlCommand.Overlay.class
    },
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      "0:done",
      "1:the node refused: bad token, no such pool or backend, duplicate id, invalid value,"
          + " config errors on reload",
      "2:usage error: bad arguments, unreadable --token-file",
      "3:the admin API cannot be reached"
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  ballast ctl pools",
      "  ballast ctl backends web",
      "  ballast ctl add web web-4 10.0.0.14:8080 --weight 50 --vm web-4 --host hv-b",
      "  ballast ctl drain web web-2",
      "  ballast ctl remove web web-2 --wait=30s",
      "  ballast ctl host-down hv-a --reason 'firmware upgrade'",
      "  ballast ctl restart",
      "  ballast ctl --admin http://10.0.0.5:9090 --token-file admin.token reload"
    })
final class CtlCommand implements Callable<Integer> {
  static final int OK = 0;
  static final int REFUSED = 1;
  static final int USAGE = 2;
  static final int UNREACHABLE = 3;

  @Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--admin",
      scope = ScopeType.INHERIT,
      paramLabel = "URL",
      defaultValue = "${env:BALLAST_ADMIN:-http://127.0.0.1:9090}",
      description = "the node's admin API (default: $BALLAST_ADMIN or http://127.0.0.1:9090)")
  String admin;

  @Option(
      names = "--token-file",
      scope = ScopeType.INHERIT,
      paramLabel = "FILE",
      defaultValue = "${env:BALLAST_TOKEN_FILE}",
      description = "file with the admin bearer token (default: $BALLAST_TOKEN_FILE)")
  Path tokenFile;

  @Option(
      names = "--json",
      scope = ScopeType.INHERIT,
      description = "print the API's JSON instead of a table")
  boolean json;

  @Option(
      names = "--timeout",
      scope = ScopeType.INHERIT,
      paramLabel = "DURATION",
      defaultValue = "10s",
      description = "how long to wait for an answer (default: ${DEFAULT-VALUE})")
  String timeout;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return USAGE;
  }

  AdminClient client() throws AdminClient.Failure {
    return AdminClient.create(admin, tokenFile, timeoutDuration());
  }

  Duration timeoutDuration() throws AdminClient.Failure {
    try {
      Duration d = Durations.parse(timeout);
      if (d.isZero() || d.isNegative()) {
        throw new IllegalArgumentException("must be positive");
      }
      return d;
    } catch (IllegalArgumentException e) {
      throw new AdminClient.Failure(USAGE, "--timeout: " + e.getMessage());
    }
  }

  static String format(Duration d) {
    return Durations.format(d);
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** A ctl verb: gets a client, runs, turns failures into a one-line message and exit code. */
  abstract static class Verb implements Callable<Integer> {
    @ParentCommand CtlCommand ctl;
    @Spec CommandLine.Model.CommandSpec spec;

    PrintWriter out;
    PrintWriter err;

    @Override
    public Integer call() {
      out = spec.commandLine().getOut();
      err = spec.commandLine().getErr();
      try {
        return run(ctl.client());
      } catch (AdminClient.Failure f) {
        if (f.getMessage() != null) {
          err.println("ballast ctl: " + f.getMessage());
        }
        return f.exitCode();
      } finally {
        out.flush();
        err.flush();
      }
    }

    abstract int run(AdminClient c) throws AdminClient.Failure;

    /**
     * Returns a successful response (printing its JSON with {@code --json}); otherwise fails with
     * the API's message.
     */
    AdminClient.Response ok(AdminClient c, AdminClient.Response r) throws AdminClient.Failure {
      if (ctl.json) {
        out.print(r.body());
      }
      if (r.ok()) {
        return r;
      }
      throw refused(c, r);
    }

    /** The one-line message for an error answer. */
    static AdminClient.Failure refused(AdminClient c, AdminClient.Response r) {
      String message;
      if (r.json() != null && r.json().hasNonNull("error")) {
        message = r.json().get("error").asText();
      } else {
        String body = r.body().strip();
        int nl = body.indexOf('\n');
        message =
            "HTTP "
                + r.status()
                + (body.isEmpty() ? "" : ": " + (nl < 0 ? body : body.substring(0, nl)));
      }
      if (r.status() == 401 && !c.hasToken()) {
        message += " (pass --token-file FILE or set BALLAST_TOKEN_FILE)";
      }
      return new AdminClient.Failure(REFUSED, message);
    }

    /** Prints a finished change unless {@code --json} already printed the answer. */
    void say(String line) {
      if (!ctl.json) {
        out.println(line);
      }
    }
  }

  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description = "Show the node at a glance.")
  static final class Status extends Verb {
    @Override
    int run(AdminClient c) throws AdminClient.Failure {
      if (ctl.json) {
        ok(c, c.get("/api/v1/status"));
        return OK;
      }
      AdminClient.Response r = c.get("/api/v1/status");
      if (!r.ok()) {
        throw refused(c, r);
      }
      AdminClient.Response l = c.get("/api/v1/listeners");
      if (!l.ok()) {
        throw refused(c, l);
      }
      JsonNode s = r.json();
      List<String> listeners = new ArrayList<>();
      for (JsonNode li : l.json().path("listeners")) {
        String at = li.path("listen").asText();
        if (li.hasNonNull("port") && !at.endsWith(":" + li.get("port").asText())) {
          at += " (port " + li.get("port").asText() + ")";
        }
        listeners.add(li.path("name").asText() + " " + at + " -> " + li.path("pool").asText());
      }
      Table t = new Table("", "");
      t.row(
          "node",
          s.path("node").asText() + (s.path("ready").asBoolean() ? " (ready)" : " (not ready)"));
      t.row("uptime", s.path("uptime").asText());
      t.row(
          "config",
          s.path("config-file").isNull()
              ? "none (changes are kept in memory)"
              : s.path("config-file").asText());
      JsonNode o = s.path("overlay");
      t.row(
          "overlay",
          (o.path("file").isNull() ? "in memory" : o.path("file").asText())
              + " ("
              + plural(o.path("changes").asInt(), "runtime change")
              + ")");
      t.row("listeners", listeners.isEmpty() ? "none" : String.join(", ", listeners));
      t.row(
          "pools",
          s.path("pools").asInt()
              + " ("
              + plural(s.path("backends").asInt(), "backend")
              + ", "
              + s.path("eligible-backends").asInt()
              + " eligible)");
      t.row("clients", plural(s.path("client-connections").asInt(), "open connection"));
      t.row("generation", s.path("generation").asText());
      printKeyValues(t);
      return OK;
    }

    private void printKeyValues(Table t) {
      java.io.StringWriter sw = new java.io.StringWriter();
      PrintWriter pw = new PrintWriter(sw);
      t.print(pw);
      pw.flush();
      // Drop the empty header line.
      String text = sw.toString();
      out.print(text.substring(text.indexOf('\n') + 1));
    }
  }

  @Command(
      name = "pools",
      mixinStandardHelpOptions = true,
      description = "List pools with live counts.")
  static final class Pools extends Verb {
    @Override
    int run(AdminClient c) throws AdminClient.Failure {
      JsonNode j = ok(c, c.get("/api/v1/pools")).json();
      if (ctl.json) {
        return OK;
      }
      Table t =
          new Table(
              "POOL",
              "ALGORITHM",
              ">BACKENDS",
              ">ELIGIBLE",
              ">DRAINING",
              ">MAINT",
              ">UNHEALTHY",
              ">INFLIGHT",
              ">CONNS");
      for (JsonNode p : j.path("pools")) {
        t.row(
            p.path("name").asText(),
            p.path("algorithm").asText(),
            p.path("backend-count").asInt(),
            p.path("eligible").asInt(),
            p.path("draining").asInt(),
            p.path("maintenance").asInt(),
            p.path("unhealthy").asInt(),
            p.path("inflight").asInt(),
            p.path("connections").asInt());
      }
      t.print(out);
      return OK;
    }
  }

  @Command(
      name = "backends",
      mixinStandardHelpOptions = true,
      description = "List a pool's backends with live state.")
  static final class Backends extends Verb {
    @Parameters(index = "0", paramLabel = "POOL")
    String pool;

    @Override
    int run(AdminClient c) throws AdminClient.Failure {
      JsonNode j = ok(c, c.get("/api/v1/pools/" + enc(pool) + "/backends")).json();
      if (ctl.json) {
        return OK;
      }
      Table t =
          new Table(
              "ID",
              "ADDRESS",
              "STATE",
              "HEALTH",
              ">WEIGHT",
              ">EFFECTIVE",
              ">INFLIGHT",
              ">CONNS",
              "VM",
              "HOST",
              "REASON");
      for (JsonNode b : j.path("backends")) {
        t.row(
            b.path("id").asText(),
            b.path("address").asText(),
            b.path("state").asText(),
            b.path("healthy").asBoolean() ? "up" : "down",
            b.path("weight").asInt(),
            b.path("effective-weight").asInt(),
            b.path("inflight").asInt(),
            b.path("connections").asInt(),
            text(b, "vm"),
            text(b, "host"),
            text(b, "health-reason"));
      }
      if (j.path("backends").isEmpty()) {
        out.println("pool '" + pool + "' has no backends");
        return OK;
      }
      t.print(out);
      return OK;
    }
  }

  @Command(
      name = "add",
      mixinStandardHelpOptions = true,
      description = "Add a backend to a running pool (it joins through slow start).")
  static final class Add extends Verb {
    @Parameters(index = "0", paramLabel = "POOL")
    String pool;

    @Parameters(index = "1", paramLabel = "ID")
    String id;

    @Parameters(index = "2", paramLabel = "ADDRESS", description = "host:port")
    String address;

    @Option(names = "--weight", paramLabel = "N", description = "0..10000 (default 100)")
    Integer weight;

    @Option(names = "--vm", paramLabel = "VM", description = "the VM it runs on")
    String vm;

    @Option(names = "--host", paramLabel = "HOST", description = "the physical host it runs on")
    String host;

    @Option(
        names = "--state",
        paramLabel = "STATE",
        description = "active (default), draining or maintenance")
    String state;

    @Override
    int run(AdminClient c) throws AdminClient.Failure {
      ObjectNode body = AdminClient.mapper().createObjectNode();
      body.put("id", id);
      body.put("address", address);
      if (weight != null) {
        body.put("weight", weight);
      }
      if (vm != null) {
        body.put("vm", vm);
      }
      if (host != null) {
        body.put("host", host);
      }
      if (state != null) {
        body.put("state", state);
      }
      JsonNode b = ok(c, c.send("POST", "/api/v1/pools/" + enc(pool) + "/backends", body)).json();
      say(
          "added "
              + pool
              + "/"
              + id
              + " at "
              + b.path("address").asText()
              + " (weight "
              + b.path("weight").asInt()
              + ", "
              + b.path("state").asText()
              + ")");
      return OK;
    }
  }

  @Command(
      name = "remove",
      mixinStandardHelpOptions = true,
      description = {
        "Drain a backend, then remove it once it has no request in flight.",
        "Without --wait the node does this in the background (at most 30s) and ctl returns",
        "at once; with --wait ctl returns when the backend is gone. --now skips the drain."
      })
  static final class Remove extends Verb {
    @Parameters(index = "0", paramLabel = "POOL")
    String pool;

    @Parameters(index = "1", paramLabel = "ID")
    String id;

    @Option(
        names = "--wait",
        arity = "0..1",
        fallbackValue = "30s",
        paramLabel = "DURATION",
        description = "wait until it is gone; drain for at most DURATION (default 30s)")
    String wait;

    @Option(names = "--now", description = "remove at once without draining")
    boolean now;

    @Override
    int run(AdminClient c) throws AdminClient.Failure {
      if (now && wait != null) {
        throw new AdminClient.Failure(USAGE, "--now and --wait exclude each other");
      }
      String path = "/api/v1/pools/" + enc(pool) + "/backends/" + enc(id);
      if (now) {
        ok(c, c.send("DELETE", path, null));
        say("removed " + pool + "/" + id);
        return OK;
      }
      if (wait == null) {
        AdminClient.Response r = ok(c, c.send("DELETE", path + "?drain=true", null));
        say(
            "draining "
                + pool
                + "/"
                + id
                + "; the node removes it once it has no request in flight (at most 30s)."
                + " Use --wait to wait for it.");
        return r.ok() ? OK : REFUSED;
      }
      Duration d;
      try {
        d = Durations.parse(wait);
      } catch (IllegalArgumentException e) {
        throw new AdminClient.Failure(USAGE, "--wait: " + e.getMessage());
      }
      if (!ctl.json) {
        out.println("draining " + pool + "/" + id + " (up to " + format(d) + ")...");
        out.flush();
      }
      JsonNode j =
          ok(
                  c,
                  c.send(
                      "DELETE",
                      path + "?drain=true&wait=" + enc(wait),
                      null,
                      d.plus(ctl.timeoutDuration())))
              .json();
      if (j.path("drained").asBoolean()) {
        say("removed " + pool + "/" + id + " (drained in " + j.path("waited").asText() + ")");
      } else {
        say(
            "removed "
                + pool
                + "/"
                + id
                + " after "
                + j.path("waited").asText()
                + " with "
                + plural(j.path("inflight-at-removal").asInt(), "request")
                + " still in flight (they finish on their connections)");
      }
      return OK;
    }
  }

  /** drain, enable, maint: set a backend's state. */
  abstract static class SetState extends Verb {
    @Parameters(index = "0", paramLabel = "POOL")
    String pool;

    @Parameters(index = "1", paramLabel = "ID")
    String id;

    abstract String state();

    @Override
    int run(AdminClient c) throws AdminClient.Failure {
      ObjectNode body = AdminClient.mapper().createObjectNode().put("state", state());
      JsonNode b =
          ok(c, c.send("PATCH", "/api/v1/pools/" + enc(pool) + "/backends/" + enc(id), body))
              .json();
      say(pool + "/" + id + " is now " + b.path("state").asText());
      return OK;
    }
  }

  @Command(
      name = "drain",
      mixinStandardHelpOptions = true,
      description = "Drain a backend: no new requests; persisted sessions still reach it.")
  static final class Drain extends SetState {
    @Override
    String state() {
      return "draining";
    }
  }

  @Command(
      name = "enable",
      mixinStandardHelpOptions = true,
      description = "Put a backend back into service (state active).")
  static final class Enable extends SetState {
    @Override
    String state() {
      return "active";
    }
  }

  @Command(
      name = "maint",
      mixinStandardHelpOptions = true,
      description = "Put a backend in maintenance: no traffic at all.")
  static final class Maint extends SetState {
    @Override
    String state() {
      return "maintenance";
    }
  }

  @Command(
      name = "weight",
      mixinStandardHelpOptions = true,
      description = "Set a backend's weight.")
  static final class Weight extends Verb {
    @Parameters(index = "0", paramLabel = "POOL")
    String pool;

    @Parameters(index = "1", paramLabel = "ID")
    String id;

    @Parameters(index = "2", paramLabel = "N", description = "0..10000")
    int weight;

    @Override
    int run(AdminClient c) throws AdminClient.Failure {
      ObjectNode body = AdminClient.mapper().createObjectNode().put("weight", weight);
      JsonNode b =
          ok(c, c.send("PATCH", "/api/v1/pools/" + enc(pool) + "/backends/" + enc(id), body))
              .json();
      say(pool + "/" + id + " weight is now " + b.path("weight").asInt());
      return OK;
    }
  }

  @Command(
      name = "restart",
      mixinStandardHelpOptions = true,
      description = {
        "Restart the node hitlessly: a successor process takes the listening sockets over",
        "(new jar, JVM or config) and this one drains. A successor that cannot start changes",
        "nothing."
      })
  static final class Restart extends Verb {
    @Override
    int run(AdminClient c) throws AdminClient.Failure {
      JsonNode j = ok(c, c.send("POST", "/api/v1/restart", null)).json();
      say(j.path("message").asText());
      return OK;
    }
  }

  @Command(
      name = "hosts",
      mixinStandardHelpOptions = true,
      description = "List the physical hosts behind the backends and whether each is down.")
  static final class Hosts extends Verb {
    @Override
    int run(AdminClient c) throws AdminClient.Failure {
      JsonNode j = ok(c, c.get("/api/v1/hosts")).json();
      if (ctl.json) {
        return OK;
      }
      if (j.path("hosts").isEmpty()) {
        out.println("no backend names a host (host: on a backend)");
        return OK;
      }
      Table t = new Table("HOST", "STATE", ">BACKENDS", ">HEALTHY", "REASON");
      for (JsonNode h : j.path("hosts")) {
        int healthy = 0;
        for (JsonNode b : h.path("backends")) {
          healthy += b.path("healthy").asBoolean() ? 1 : 0;
        }
        t.row(
            h.path("name").asText(),
            h.path("state").asText(),
            h.path("backends").size(),
            healthy,
            text(h, "reason"));
      }
      t.print(out);
      return OK;
    }
  }

  @Command(
      name = "host-down",
      mixinStandardHelpOptions = true,
      description = "Mark a host down: every backend on it, in every pool, is ejected at once.")
  static final class HostDown extends Verb {
    @Parameters(index = "0", paramLabel = "HOST")
    String host;

    @CommandLine.Option(names = "--reason", description = "why, for logs and the API")
    String reason;

    @Override
    int run(AdminClient c) throws AdminClient.Failure {
      com.fasterxml.jackson.databind.node.ObjectNode body =
          new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
      body.put("state", "down");
      if (reason != null) {
        body.put("reason", reason);
      }
      JsonNode j = ok(c, c.send("PATCH", "/api/v1/hosts/" + enc(host), body)).json();
      say("host " + host + " is down; " + j.path("backends").size() + " backend(s) ejected");
      return OK;
    }
  }

  @Command(
      name = "host-up",
      mixinStandardHelpOptions = true,
      description = "Mark a host up again: its backends may take traffic (through slow start).")
  static final class HostUp extends Verb {
    @Parameters(index = "0", paramLabel = "HOST")
    String host;

    @Override
    int run(AdminClient c) throws AdminClient.Failure {
      com.fasterxml.jackson.databind.node.ObjectNode body =
          new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
      body.put("state", "up");
      ok(c, c.send("PATCH", "/api/v1/hosts/" + enc(host), body));
      say("host " + host + " is up");
      return OK;
    }
  }

  @Command(
      name = "reload",
      mixinStandardHelpOptions = true,
      description = {
        "Reload the node's config file; on errors nothing changes.",
        "Runtime changes (ctl overlay) are re-applied on top."
      })
  static final class Reload extends Verb {
    @Override
    int run(AdminClient c) throws AdminClient.Failure {
      AdminClient.Response r = c.send("POST", "/api/v1/config/reload", null);
      if (ctl.json) {
        out.print(r.body());
      }
      JsonNode j = r.json();
      if (!r.ok()) {
        if (!ctl.json && j != null) {
          for (JsonNode w : j.path("warnings")) {
            err.println("warning: " + w.asText());
          }
          for (JsonNode e : j.path("errors")) {
            err.println(e.asText());
          }
        }
        throw refused(c, r);
      }
      if (!ctl.json) {
        for (JsonNode w : j.path("warnings")) {
          err.println("warning: " + w.asText());
        }
        for (JsonNode d : j.path("overlay-dropped")) {
          err.println("dropped runtime change: " + d.asText());
        }
        out.println(
            j.path("message").asText() + " (generation " + j.path("generation").asText() + ")");
      }
      return OK;
    }
  }

  @Command(
      name = "overlay",
      mixinStandardHelpOptions = true,
      description = {
        "Show the runtime changes the node re-applies at reload and restart.",
        "They live in <config>.runtime.json; --clear forgets them."
      })
  static final class Overlay extends Verb {
    @Option(
        names = "--clear",
        description =
            "forget every runtime change (the running node keeps them until its next reload or"
                + " restart)")
    boolean clear;

    @Override
    int run(AdminClient c) throws AdminClient.Failure {
      if (clear) {
        JsonNode j = ok(c, c.send("DELETE", "/api/v1/overlay", null)).json();
        say(j.path("message").asText());
        return OK;
      }
      JsonNode j = ok(c, c.get("/api/v1/overlay")).json();
      if (ctl.json) {
        return OK;
      }
      String file =
          j.path("file").isNull()
              ? "kept in memory: the node has no config file"
              : j.path("file").asText();
      if (j.path("changes").asInt() == 0) {
        out.println("no runtime changes (" + file + ")");
        return OK;
      }
      out.println(plural(j.path("changes").asInt(), "runtime change") + " (" + file + "):");
      Table t = new Table("CHANGE", "BACKEND", "DETAIL");
      for (Map.Entry<String, JsonNode> p : j.path("pools").properties()) {
        String pool = p.getKey();
        JsonNode ch = p.getValue();
        for (JsonNode b : ch.path("added")) {
          t.row(
              "added",
              pool + "/" + b.path("id").asText(),
              b.path("address").asText()
                  + " weight "
                  + b.path("weight").asInt()
                  + (b.path("state").asText().equals("active")
                      ? ""
                      : " " + b.path("state").asText())
                  + (b.hasNonNull("vm") ? " vm " + b.path("vm").asText() : "")
                  + (b.hasNonNull("host") ? " host " + b.path("host").asText() : ""));
        }
        for (JsonNode id : ch.path("removed")) {
          t.row("removed", pool + "/" + id.asText(), "");
        }
        for (Map.Entry<String, JsonNode> w : ch.path("weights").properties()) {
          t.row("weight", pool + "/" + w.getKey(), w.getValue().asText());
        }
        for (Map.Entry<String, JsonNode> s : ch.path("states").properties()) {
          t.row("state", pool + "/" + s.getKey(), s.getValue().asText());
        }
      }
      t.print(out);
      return OK;
    }
  }

  static String plural(int n, String word) {
    return n + " " + word + (n == 1 ? "" : "s");
  }

  static String text(JsonNode node, String key) {
    return node.hasNonNull(key) ? node.get(key).asText() : null;
  }
}
