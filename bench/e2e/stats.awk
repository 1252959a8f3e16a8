# Medians and paired ratios over the results bench/run-all collects (POSIX awk, mawk-safe).
#
# Input lines: SCENARIO sys=NAME round=N key=value ...; lines with valid=0 are skipped.
#
# mode=value: prints one number.
#   -v scen=small64 -v sys=ballast -v key=rps -v agg=med|min|max|sum|n
#   -v agg=ratio -v base=haproxy   median over rounds of (sys / base) in the same round
#   -v agg=diff  -v base=direct    median over rounds of (sys - base) in the same round
# mode=table: prints a Markdown table, one row per system.
#   -v systems="direct ballast haproxy"  -v names="direct=Backend directly;ballast=Ballast"
#   -v cols="rps,req/s,med;rps,÷ Ballast,ratio;p99,p99 ms,med"  -v base=ballast
#   a column may name its own base as a fourth field: "p99,added p99 ms,diff,direct"
#   (a ratio/diff column against the system itself prints 1.00 / 0)

function fmt(v) {
  if (v == "") return "–"
  if (v < 0) return "-" fmt(-v)
  if (v == 0) return "0"
  if (v < 1) return sprintf("%.3f", v)
  if (v < 10) return sprintf("%.2f", v)
  if (v < 100) return sprintf("%.1f", v)
  return sprintf("%.0f", v)
}

function sortn(a, n,    i, j, t) {
  for (i = 2; i <= n; i++) {
    t = a[i]
    for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]
    a[j + 1] = t
  }
}

function med(a, n) {
  if (n == 0) return ""
  sortn(a, n)
  if (n % 2) return a[(n + 1) / 2]
  return (a[n / 2] + a[n / 2 + 1]) / 2
}

# Aggregates key over the rounds of system s (against base b for ratio/diff).
function aggr(s, k, how, b,    r, n, v, a, x) {
  n = 0
  for (r = 1; r <= maxround; r++) {
    if (!((s SUBSEP r SUBSEP k) in val)) continue
    x = val[s, r, k] + 0
    if (how == "ratio" || how == "diff") {
      if (!((b SUBSEP r SUBSEP k) in val)) continue
      if (how == "ratio") {
        if (val[b, r, k] + 0 == 0) continue
        x = x / val[b, r, k]
      } else {
        x = x - val[b, r, k]
      }
    }
    a[++n] = x
  }
  if (n == 0) return ""
  if (how == "n") return n
  if (how == "sum") { v = 0; for (r = 1; r <= n; r++) v += a[r]; return v }
  if (how == "max") { v = a[1]; for (r = 2; r <= n; r++) if (a[r] > v) v = a[r]; return v }
  if (how == "min") { v = a[1]; for (r = 2; r <= n; r++) if (a[r] < v) v = a[r]; return v }
  return med(a, n)
}

$1 == scen {
  for (i = 2; i <= NF; i++) if (index($i, "sys=") == 1) seen[substr($i, 5)] = 1
  for (i = 2; i <= NF; i++) if ($i == "valid=0") next # too noisy: kept in the file, not counted
  s = ""; r = 0
  for (i = 2; i <= NF; i++) {
    p = index($i, "=")
    if (p == 0) continue
    k = substr($i, 1, p - 1)
    if (k == "sys") s = substr($i, p + 1)
    else if (k == "round") r = substr($i, p + 1) + 0
  }
  if (s == "" || r == 0) next
  if (r > maxround) maxround = r
  for (i = 2; i <= NF; i++) {
    p = index($i, "=")
    if (p == 0) continue
    val[s, r, substr($i, 1, p - 1)] = substr($i, p + 1)
  }
}

END {
  if (mode == "value") {
    v = aggr(sys, key, agg, base)
    if (v == "") print ""
    else if (agg == "ratio") printf "%.3f\n", v
    else print v
    exit
  }
  nsys = split(systems, sl, " ")
  nn = split(names, nl, ";")
  for (i = 1; i <= nn; i++) {
    p = index(nl[i], "=")
    label[substr(nl[i], 1, p - 1)] = substr(nl[i], p + 1)
  }
  nc = split(cols, cl, ";")
  head = "| system |"; rule = "|---|"
  for (c = 1; c <= nc; c++) {
    split(cl[c], f, ",")
    head = head " " f[2] " |"; rule = rule "---|"
  }
  print head
  print rule
  for (i = 1; i <= nsys; i++) {
    s = sl[i]
    if (!(s in seen)) continue
    line = "| " ((s in label) ? label[s] : s) " |"
    for (c = 1; c <= nc; c++) {
      delete f
      split(cl[c], f, ",")
      b = (4 in f && f[4] != "") ? f[4] : base
      if (f[3] == "ratio" && s == b) cell = "1.00"
      else if (f[3] == "diff" && s == b) cell = "0"
      else {
        v = aggr(s, f[1], f[3], b)
        if (v == "") cell = "–"
        else if (f[3] == "ratio") cell = sprintf("%.2f", v)
        else cell = fmt(v)
      }
      if (s == base && f[3] != "ratio" && f[3] != "diff") cell = "**" cell "**"
      line = line " " cell " |"
    }
    print line
  }
}
