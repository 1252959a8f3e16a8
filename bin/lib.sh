# Shared by the scripts in bin/: find a JDK >= 21 (JAVA_HOME first, then /usr/lib/jvm/*).
# shellcheck shell=bash

# The JDK's major version: from its `release` file (instant), else by asking java (a JVM start,
# ~0.3 s each: it made the launcher the slowest part of start-up).
java_major() {
  local v=""
  if [ -r "$1/release" ]; then
    v="$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release")"
  fi
  if [ -z "$v" ]; then
    v="$("$1/bin/java" -XshowSettings:properties -version 2>&1 \
      | awk -F'= ' '/java.specification.version/ {print $2; exit}' | cut -d. -f1)"
  fi
  echo "$v"
}

find_jdk() {
  local candidate major
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/*; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] || continue
    major="$(java_major "$candidate" 2>/dev/null || true)"
    if [ -n "$major" ] && [ "$major" -ge 21 ] 2>/dev/null; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

# Maven's own Guice pokes sun.misc.Unsafe; JDK 24+ warns loudly unless told it's allowed.
maven_opts_for() {
  local opts="${MAVEN_OPTS:-}"
  if [ "$(java_major "$1")" -ge 24 ]; then
    opts="$opts --sun-misc-unsafe-memory-access=allow"
  fi
  echo "$opts"
}
