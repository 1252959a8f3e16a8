# Reads `perf sched timehist --state` for one CPU and reports how long the proxy's own threads
# (task names matching -v threads=REGEX) waited for that CPU after being preempted, and what ran
# instead. A wait starts when a matching thread is switched out still runnable (state R) and ends
# when it runs again. Prints one line:
#   preemptions=N wait_ms=W long=N long_ms=W longest_ms=W by=NAME:COUNT,...
# where "long" counts waits over -v long_ms (0.5), and "by" names the tasks that ran during them.
BEGIN { if (long_ms == "") long_ms = 0.5 }
NR <= 3 { next }
{
  # The task name may hold spaces ("C2 CompilerThre[123/100]"): it runs up to the first number.
  name = $3
  for (i = 4; i <= NF && $i !~ /^[0-9.]+$/; i++) name = name " " $i
  t = $1
  run_ms = $(NF - 1)
  state = $NF
  if (name ~ threads) {
    if (preempted[name]) {
      w = (t - run_ms / 1000 - out[name]) * 1000
      n++
      total += w
      if (w > longest) longest = w
      if (w > long_ms) {
        nlong++
        long_total += w
        k = split(ran[name], who, "|")
        for (j = 1; j <= k; j++) if (who[j] != "") by[who[j]]++
      }
    }
    preempted[name] = (state == "R")
    out[name] = t
    ran[name] = ""
  } else {
    short = name
    sub(/\[.*/, "", short)
    gsub(/ /, "_", short)
    for (p in preempted) if (preempted[p] && index("|" ran[p] "|", "|" short "|") == 0) ran[p] = ran[p] "|" short
  }
}
END {
  list = ""
  for (b in by) list = list (list == "" ? "" : ",") b ":" by[b]
  printf "preemptions=%d wait_ms=%.1f long=%d long_ms=%.1f longest_ms=%.2f by=%s\n", n, total, nlong, long_total, longest, (list == "" ? "-" : list)
}
