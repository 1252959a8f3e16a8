# Shared by the scripts in bin/: find a JDK >= 21 (JAVA_HOME first, then /usr/lib/jvm/*).
# shellcheck shell=bash

java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 \
    | awk -F'= ' '/java.specification.version/ {print $2; exit}' | cut -d. -f1
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
