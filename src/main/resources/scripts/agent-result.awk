# The result of a run from the transcript of an agent CLI (JSON lines on standard input), printed as ONE line of JSON of at
# most `max` bytes (newline included); see run-agent.sh for the schema. Variables: agent (claude|opencode), rc (the
# exit code of the CLI), stop (timeout|terminated when the wrapper ended the CLI, else empty), max.
#
# The transcript is written by the untrusted agent, so this program assumes nothing of it: it runs under LC_ALL=C
# (bytes), parses each candidate line with a JSON parser (bounded depth; a line that does not parse is no event),
# copies strings in their escaped form with control bytes escaped, invalid UTF-8 and unpaired surrogates replaced by
# \ufffd (so the output is valid JSON and UTF-8 whatever came in), keeps integers only as 1 to 15 digits and costs
# only as plain decimals, and bounds every string. Work is linear in the input in every awk (see parse).
#
# Portable awk (mawk, busybox awk, gawk --posix): no gawk extensions, no regex intervals, arrays cleared with split.
# No single quote anywhere in this file: run-agent.sh gets it in a single-quoted shell word.

BEGIN {
    for (i = 1; i < 256; i++) ORD[sprintf("%c", i)] = i
    HEXD = "0123456789abcdef"
    MAXS = 8192       # bytes kept of any string (more than the message can hold, so a credential is seen whole)
    MAXD = 64         # nesting depth of a parsed line
    MAXP = 4096       # bytes between two strings of a parsed line
    MAXID = 128       # bytes of sessionId, stopReason, one model name
    MAXMODELS = 8
    MAXUNITS = 2000   # characters of the summary
    MAXINT = 15       # digits of an integer (below 2^53, exact in awk and in a JSON double)
    if (max + 0 < 512) max = 3072
    secrets()
    # claude
    res = 0; nmodels = 0; sys_session = ""
    # opencode
    steps = 0; err = 0; last_reason = ""; session = ""; ts_first = ""; ts_last = ""
    tin = 0; tout = 0; tcr = 0; tcw = 0; tok_bad = 0; cost_sum = 0; cost_bad = 0; cost_seen = 0
    summary = ""; summary_cut = 0; have_summary = 0
}

# (the type is checked after parsing: a tool input inside an assistant event may hold "type":"result" too)
agent == "claude" && /"type"[ \t]*:[ \t]*"(result|assistant|system)"/ {
    if (parse($0)) { if (is_str("type", "result")) claude_result(); else claude_progress() }
    next
}
agent == "opencode" {
    if (match($0, /^[{]"type":"[a-z_]*","timestamp":[0-9]+[,}]/)) {
        t = substr($0, 1, RLENGTH - 1); sub(/.*:/, "", t)
        if (length(t) <= MAXINT) { if (ts_first == "") ts_first = t; ts_last = t }
    }
    if ($0 ~ /"type"[ \t]*:[ \t]*"(step_start|step_finish|text|error)"/ && parse($0)) opencode_event()
    next
}

END {
    if (agent == "claude") claude_end()
    else if (agent == "opencode") opencode_end()
    else { iserr = 1; stopr = "no-result" }
    if (stop != "") { stopr = stop; iserr = 1 }
    if (rc + 0 != 0) iserr = 1
    emit()
}

# ---- claude: the last "result" event; without one, what the progress events tell

function claude_result(   i, k, n, m) {
    res = 1
    r_sub = id("subtype"); r_err = Y["is_error"]; r_term = id("terminal_reason")
    r_sum = ""; r_sumx = 0; r_has = 0
    if (Y["result"] == "s") { r_sum = V["result"]; r_sumx = X["result"]; r_has = 1 }
    else if (Y["errors" SUBSEP 1] == "s") { r_sum = V["errors" SUBSEP 1]; r_sumx = X["errors" SUBSEP 1]; r_has = 1 }
    r_turns = int_of("num_turns"); r_session = id("session_id"); r_cost = dec("total_cost_usd")
    r_in = int_of("usage" SUBSEP "input_tokens"); r_out = int_of("usage" SUBSEP "output_tokens")
    r_cr = int_of("usage" SUBSEP "cache_read_input_tokens")
    r_cw = int_of("usage" SUBSEP "cache_creation_input_tokens")
    r_dur = int_of("duration_ms"); r_api = int_of("api_error_status")
    split("", r_models); r_nmodels = 0
    if (Y["modelUsage"] == "o") {
        n = KN["modelUsage"]
        for (i = 1; i <= n && r_nmodels < MAXMODELS; i++) {
            k = KK["modelUsage", i]
            if (k != "" && length(k) <= MAXID) r_models[++r_nmodels] = k
        }
    }
}

function claude_progress(   i, m) {
    if (Y["session_id"] == "s" && sys_session == "") sys_session = id("session_id")
    if (!is_str("type", "assistant") || Y["parent_tool_use_id"] != "z") return
    m = id("message" SUBSEP "model")
    if (m != "") add_model(m)
    for (i = 1; ("message" SUBSEP "content" SUBSEP i) in Y; i++) {
        if (is_str("message" SUBSEP "content" SUBSEP i SUBSEP "type", "text") \
            && Y["message" SUBSEP "content" SUBSEP i SUBSEP "text"] == "s") {
            summary = V["message" SUBSEP "content" SUBSEP i SUBSEP "text"]
            summary_cut = X["message" SUBSEP "content" SUBSEP i SUBSEP "text"]; have_summary = 1
        }
    }
}

function claude_end(   i) {
    if (!res) {
        # cut off before its result (timeout, signal, crash): the last text the model wrote, the session, models
        iserr = 1; stopr = "no-result"; o_session = sys_session
        return
    }
    iserr = (r_err != "f")
    stopr = r_sub
    if (r_err == "t" && (stopr == "success" || stopr == "")) stopr = (r_term != "" ? r_term : "error")
    if (stopr == "") stopr = iserr ? "error" : "success"
    summary = r_sum; summary_cut = r_sumx; have_summary = r_has
    o_turns = r_turns; o_session = r_session; o_cost = r_cost; o_in = r_in; o_out = r_out; o_cr = r_cr; o_cw = r_cw
    o_dur = r_dur; o_api = r_api
    nmodels = 0; split("", models)
    for (i = 1; i <= r_nmodels; i++) add_model(r_models[i])
}

# ---- opencode: sums over step_finish events, the last text, the last reason, any error event

function opencode_event(   e, m, p) {
    if (Y["sessionID"] == "s" && id("sessionID") != "") session = id("sessionID")
    if (is_str("type", "step_finish")) {
        steps++
        p = "part" SUBSEP "reason"
        last_reason = id(p)
        p = "part" SUBSEP "tokens" SUBSEP
        tin = add_int(tin, p "input"); tout = add_int(tout, p "output"); tout = add_int(tout, p "reasoning")
        tcr = add_int(tcr, p "cache" SUBSEP "read"); tcw = add_int(tcw, p "cache" SUBSEP "write")
        if (("part" SUBSEP "cost") in Y) {
            cost_seen = 1; m = dec("part" SUBSEP "cost")
            if (m == "") cost_bad = 1; else cost_sum += m
        }
    } else if (is_str("type", "text") && Y["part" SUBSEP "text"] == "s") {
        summary = V["part" SUBSEP "text"]; summary_cut = X["part" SUBSEP "text"]; have_summary = 1
    } else if (is_str("type", "error")) {
        err = 1
        e = "error" SUBSEP "data" SUBSEP
        m = int_of(e "statusCode"); if (m != "") o_api = m
        if (Y[e "message"] == "s") { summary = V[e "message"]; summary_cut = X[e "message"]; have_summary = 1 }
        else if (Y["error" SUBSEP "name"] == "s") { summary = V["error" SUBSEP "name"]; summary_cut = X["error" SUBSEP "name"]; have_summary = 1 }
    }
}

function opencode_end(   s) {
    iserr = err
    if (err) stopr = "error"
    else if (steps > 0) stopr = (last_reason != "" ? last_reason : "unknown")
    else { stopr = "no-result"; iserr = 1 }
    o_session = session
    if (steps > 0) {
        o_turns = steps
        if (!tok_bad) { o_in = fits(tin); o_out = fits(tout); o_cr = fits(tcr); o_cw = fits(tcw) }
        if (cost_seen && !cost_bad && cost_sum < 1000000000) {
            s = sprintf("%.12f", cost_sum); sub(/0+$/, "", s); sub(/\.$/, "", s); o_cost = s
        }
    }
    if (ts_first != "" && ts_last + 0 >= ts_first + 0) o_dur = fits(ts_last - ts_first)
}

# ---- the message

function emit(   head, tail, budget, i, s, ms) {
    head = "{\"agent\":\"" agent "\",\"exitCode\":" (rc + 0) ",\"isError\":" (iserr ? "true" : "false")
    head = head ",\"stopReason\":\"" (clean_id(stopr) != "" ? clean_id(stopr) : "unknown") "\""
    tail = ""
    if (o_cost != "") tail = tail ",\"costUSD\":\"" o_cost "\""
    if (o_in != "") tail = tail ",\"inputTokens\":" o_in
    if (o_out != "") tail = tail ",\"outputTokens\":" o_out
    if (o_cr != "") tail = tail ",\"cacheReadTokens\":" o_cr
    if (o_cw != "") tail = tail ",\"cacheCreationTokens\":" o_cw
    if (o_turns != "") tail = tail ",\"turns\":" o_turns
    if (clean_id(o_session) != "") tail = tail ",\"sessionId\":\"" clean_id(o_session) "\""
    ms = ""
    for (i = 1; i <= nmodels; i++) if (!leaks(models[i])) ms = ms (ms == "" ? "" : ",") "\"" models[i] "\""
    if (ms != "") tail = tail ",\"models\":[" ms "]"
    if (o_dur != "") tail = tail ",\"durationMs\":" o_dur
    if (o_api != "") tail = tail ",\"apiErrorStatus\":" o_api
    tail = tail "}"
    if (have_summary) {
        if (leaks(summary)) { summary = "(withheld: the summary contained a credential)"; summary_cut = 0 }
        budget = max - 1 - length(head) - length(tail) - length(",\"summary\":\"\",\"summaryTruncated\":false")
        if (budget >= 0) {
            s = cut(summary, budget, MAXUNITS)
            head = head ",\"summary\":\"" s "\",\"summaryTruncated\":" ((CUT || summary_cut) ? "true" : "false")
        }
    }
    print head tail
}

# An identifier-like string (stop reason, session, model) as it may go out: empty when too long, cut short while
# parsing, or holding a credential.
function clean_id(s) {
    return (length(s) <= MAXID && !leaks(s)) ? s : ""
}

# The sanitized string s cut to at most b bytes and u characters, between characters: an escape sequence (a
# surrogate pair as one) or a UTF-8 sequence is never split. Sets CUT when anything was left off.
function cut(s, b, u,   p, n, k, c, o, w) {
    CUT = 0; p = 1; n = length(s); k = 0
    while (p <= n) {
        c = substr(s, p, 1)
        if (c == "\\") {
            if (substr(s, p + 1, 1) != "u") w = 2
            else if (substr(s, p + 2, 1) ~ /[dD]/ && substr(s, p + 3, 1) ~ /[89abAB]/) w = 12
            else w = 6
        } else {
            o = ORD[c]
            w = (o < 128) ? 1 : (o >= 240) ? 4 : (o >= 224) ? 3 : 2
        }
        if (p - 1 + w > b || k >= u) { CUT = 1; break }
        p += w; k++
    }
    return substr(s, 1, p - 1)
}

function add_model(m,   i) {
    if (m == "" || length(m) > MAXID || nmodels >= MAXMODELS) return
    for (i = 1; i <= nmodels; i++) if (models[i] == m) return
    models[++nmodels] = m
}

# ---- values of the parsed line

function is_str(path, want) {
    return Y[path] == "s" && V[path] == want
}

# A string value that was kept whole, else empty.
function id(path) {
    return (Y[path] == "s" && !X[path]) ? V[path] : ""
}

# A non-negative integer of at most MAXINT digits (JSON forbids leading zeros), else empty.
function int_of(path,   v) {
    v = V[path]
    return (Y[path] == "n" && v ~ /^[0-9]+$/ && length(v) <= MAXINT) ? v : ""
}

function add_int(sum, path,   v) {
    if (!(path in Y)) return sum
    v = int_of(path)
    if (v == "") { tok_bad = 1; return sum }
    return sum + v
}

function fits(n) {
    return (n >= 0 && n <= 999999999999999) ? sprintf("%.0f", n) : ""
}

# A non-negative JSON number as a plain decimal with at most 9 integer and 12 fraction digits (exponents resolved
# exactly, further fraction digits dropped), else empty.
function dec(path,   v, ip, fp, e, m, pos, z) {
    v = V[path]
    if (Y[path] != "n" || substr(v, 1, 1) == "-") return ""
    e = 0
    if (match(v, /[eE]/)) {
        e = substr(v, RSTART + 1); v = substr(v, 1, RSTART - 1)
        sub(/^\+/, "", e)
        if (length(e) > 5) return (substr(e, 1, 1) == "-") ? "0" : ""
        e = e + 0
    }
    ip = v; fp = ""
    if (match(v, /\./)) { ip = substr(v, 1, RSTART - 1); fp = substr(v, RSTART + 1) }
    m = ip fp; pos = length(ip) + e
    if (pos > 40) return ""
    if (pos <= 0) {
        if (pos < -40) return "0"
        z = ""; while (length(z) < -pos) z = z "0"
        ip = "0"; fp = z m
    } else if (pos >= length(m)) {
        ip = m; while (length(ip) < pos) ip = ip "0"
        fp = ""
    } else { ip = substr(m, 1, pos); fp = substr(m, pos + 1) }
    sub(/^0+/, "", ip); if (ip == "") ip = "0"
    fp = substr(fp, 1, 12); sub(/0+$/, "", fp)
    if (length(ip) > 9) return ""
    return fp == "" ? ip : ip "." fp
}

# ---- credentials: the values of the token variables never go out (best effort against an accidental echo: an
# agent that wants the token out can encode it)

function secrets(   names, n, i, v) {
    NSEC = 0
    n = split("ANTHROPIC_AUTH_TOKEN ANTHROPIC_API_KEY " ENVIRON["AGENT_SECRET_ENVS"], names, /[ ,]+/)
    for (i = 1; i <= n; i++) {
        if (names[i] !~ /^[A-Za-z_][A-Za-z0-9_]*$/) continue
        v = ENVIRON[names[i]]
        if (length(v) >= 8) { SEC[++NSEC] = v; SECE[NSEC] = escaped(v) }
    }
}

function leaks(s,   i) {
    for (i = 1; i <= NSEC; i++) if (index(s, SEC[i]) || index(s, SECE[i])) return 1
    return 0
}

# s as it appears inside a JSON string written by the CLIs (quote, backslash and control bytes escaped).
function escaped(s,   i, c, o, r) {
    r = ""
    for (i = 1; i <= length(s); i++) {
        c = substr(s, i, 1); o = ORD[c]
        if (c == "\"" || c == "\\") r = r "\\" c
        else if (o < 32) r = r u4(o)
        else r = r c
    }
    return r
}

function u4(o) {
    return "\\u00" substr(HEXD, int(o / 16) + 1, 1) substr(HEXD, o % 16 + 1, 1)
}

# ---- a JSON parser for one line: fills Y[path] (type: o a s n t f z), V[path] (a string sanitized and still
# escaped, a number as written), X[path] (1: the string was longer than MAXS and is cut), KN[path] and KK[path, i]
# (the keys of an object in order). Paths are keys joined by SUBSEP; array items count from 1.
#
# Only split and regular expressions touch the whole line: in busybox awk and the one true awk, substr and gsub cost
# the length of their subject, so a byte-by-byte walk over a long line would be quadratic. The line is split at
# double quotes into parts (a part ending in an odd number of backslashes continues the string), structural parts
# (at most MAXP bytes each; the CLIs print a few bytes between strings) are cut into tokens, and of each string only
# the first MAXS bytes are examined byte by byte. Structure and numbers are checked strictly; inside strings,
# control bytes, invalid UTF-8 and unpaired surrogates are repaired, not refused, and bytes past MAXS are not
# checked at all (they never reach the message).

function parse(text,   ok) {
    split("", Y); split("", V); split("", X); split("", KN); split("", KK)
    if (!tokenize(text)) return 0
    P = 1
    ok = value("", 0)
    return ok && P > NT
}

# TK[1..NT]: "s" (a string: sanitized content in TV, cut flag in TC), "v" (a literal or number in TV) or one of
# { } [ ] : ,
function tokenize(text,   n, i, first) {
    NT = 0
    split("", TK); split("", TV); split("", TC)
    n = split(text, Q, "\"")
    if (!structure(Q[1])) return 0
    i = 2
    while (i <= n) {
        first = i
        while (i <= n && odd_tail(Q[i])) i++
        if (i >= n) return 0  # no closing quote
        string_token(first, i)
        i++
        if (!structure(Q[i])) return 0
        i++
    }
    return 1
}

function odd_tail(part) {
    return match(part, /\\+$/) && RLENGTH % 2 == 1
}

function structure(part,   x, m, j, t) {
    if (length(part) > MAXP) return 0
    x = part
    gsub(/\r/, " ", x)
    gsub(/[][{}:,]/, " & ", x)
    m = split(x, W, " ")
    for (j = 1; j <= m; j++) {
        t = W[j]
        if (t ~ /^[][{}:,]$/) TK[++NT] = t
        else if (t ~ /^(true|false|null)$/ || t ~ /^-?(0|[1-9][0-9]*)([.][0-9]+)?([eE][-+]?[0-9]+)?$/) {
            TK[++NT] = "v"; TV[NT] = t
        } else return 0
    }
    return 1
}

# The string made of parts first..last (joined by the quotes that split removed): its first MAXS bytes, sanitized.
function string_token(first, last,   raw, k, trunc) {
    raw = Q[first]; trunc = 0
    for (k = first + 1; k <= last; k++) {
        if (length(raw) > MAXS) { trunc = 1; break }
        raw = raw "\"" Q[k]
    }
    if (length(raw) > MAXS) { raw = substr(raw, 1, MAXS); trunc = 1 }
    TK[++NT] = "s"
    TV[NT] = sanitize(raw, trunc)
    TC[NT] = trunc
}

# Printable ASCII but quote and backslash, JSON escapes (a surrogate only in a pair), well-formed UTF-8.
function clean(s) {
    return s ~ /^([] !#-[^-~\177]|\\["\\\/bfnrt]|\\u([0-9a-cA-Ce-fE-F][0-9a-fA-F]|[dD][0-7])[0-9a-fA-F][0-9a-fA-F]|\\u[dD][89abAB][0-9a-fA-F][0-9a-fA-F]\\u[dD][c-fC-F][0-9a-fA-F][0-9a-fA-F]|[\302-\337][\200-\277]|\340[\240-\277][\200-\277]|[\341-\354\356\357][\200-\277][\200-\277]|\355[\200-\237][\200-\277]|\360[\220-\277][\200-\277][\200-\277]|[\361-\363][\200-\277][\200-\277][\200-\277]|\364[\200-\217][\200-\277][\200-\277])*$/
}

# s (raw string content) with control bytes escaped, invalid UTF-8 and unpaired surrogate escapes replaced by
# \ufffd, invalid escapes dropped with their backslash; when trunc, an unfinished sequence at the end is dropped.
function sanitize(s, trunc,   L, P, c, d, o, n, h, out, run) {
    if (clean(s)) return s
    L = length(s); P = 1; out = ""; run = 1
    while (P <= L) {
        c = substr(s, P, 1)
        if (c == "\\") {
            d = substr(s, P + 1, 1)
            if (d == "u") {
                h = substr(s, P + 2, 4)
                if (h !~ /^[0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f]$/) {
                    out = out substr(s, run, P - run); P += 2; run = P
                } else if (h ~ /^[dD][89abAB]/ && substr(s, P + 6, 2) == "\\u" \
                    && substr(s, P + 8, 4) ~ /^[dD][c-fC-F][0-9A-Fa-f][0-9A-Fa-f]$/) P += 12
                else if (h ~ /^[dD][89a-fA-F]/) {
                    out = out substr(s, run, P - run) "\\ufffd"; P += 6; run = P
                } else P += 6
            } else if (d != "" && index("\"\\/bfnrt", d)) P += 2
            else { out = out substr(s, run, P - run); P += (d == "" ? 1 : 2); run = P }
            continue
        }
        o = ORD[c]
        if (o < 32) { out = out substr(s, run, P - run) u4(o); P++; run = P; continue }
        if (o < 128) { P++; continue }
        n = utf8(s, P, o)
        if (n) P += n
        else if (trunc && P + 3 >= L) { out = out substr(s, run, P - run); run = L + 1; P = L + 1 }
        else { out = out substr(s, run, P - run) "\\ufffd"; P++; run = P }
    }
    out = out substr(s, run, P - run)
    # a cut that fell inside an escape leaves a partial one at the end
    if (trunc) sub(/\\(u[0-9A-Fa-f]?[0-9A-Fa-f]?[0-9A-Fa-f]?)?$/, "", out)
    return out
}

# Length of the valid UTF-8 sequence at p in s whose first byte is o (>= 128), else 0.
function utf8(s, p, o,   a, b, c2) {
    a = ORD[substr(s, p + 1, 1)]
    if (o >= 194 && o <= 223) return (a >= 128 && a <= 191) ? 2 : 0
    b = ORD[substr(s, p + 2, 1)]
    if (o >= 224 && o <= 239) {
        if (o == 224 && a < 160) return 0
        if (o == 237 && a > 159) return 0
        return (a >= 128 && a <= 191 && b >= 128 && b <= 191) ? 3 : 0
    }
    c2 = ORD[substr(s, p + 3, 1)]
    if (o >= 240 && o <= 244) {
        if (o == 240 && a < 144) return 0
        if (o == 244 && a > 143) return 0
        return (a >= 128 && a <= 191 && b >= 128 && b <= 191 && c2 >= 128 && c2 <= 191) ? 4 : 0
    }
    return 0
}

function child(path, k) {
    return path == "" ? k : path SUBSEP k
}

function value(path, depth,   t) {
    if (P > NT) return 0
    t = TK[P]
    if (t == "{") return object(path, depth)
    if (t == "[") return array(path, depth)
    if (t == "s") { Y[path] = "s"; V[path] = TV[P]; X[path] = TC[P]; P++; return 1 }
    if (t != "v") return 0
    t = TV[P]; P++
    if (t == "true") Y[path] = "t"
    else if (t == "false") Y[path] = "f"
    else if (t == "null") Y[path] = "z"
    else { Y[path] = "n"; V[path] = t }
    return 1
}

function object(path, depth,   n, k) {
    if (depth >= MAXD) return 0
    P++; Y[path] = "o"; n = 0
    if (TK[P] == "}") { P++; KN[path] = 0; return 1 }
    for (;;) {
        if (TK[P] != "s") return 0
        k = TV[P]; P++
        if (TK[P] != ":") return 0
        P++
        if (!(child(path, k) in Y)) KK[path, ++n] = k
        if (!value(child(path, k), depth + 1)) return 0
        if (TK[P] == "}") { P++; KN[path] = n; return 1 }
        if (TK[P] != ",") return 0
        P++
    }
}

function array(path, depth,   n) {
    if (depth >= MAXD) return 0
    P++; Y[path] = "a"; n = 0
    if (TK[P] == "]") { P++; return 1 }
    for (;;) {
        if (!value(path SUBSEP (++n), depth + 1)) return 0
        if (TK[P] == "]") { P++; return 1 }
        if (TK[P] != ",") return 0
        P++
    }
}
