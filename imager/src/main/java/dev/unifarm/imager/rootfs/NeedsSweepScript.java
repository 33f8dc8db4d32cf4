package dev.unifarm.imager.rootfs;

import dev.unifarm.imager.model.NeedsSweep;
import dev.unifarm.imager.model.Workload;
import java.util.List;

/**
 * The needs sweep's part of the traced {@code /init} (docs/coverage.md, "What an app really needs"): the app runs once
 * with nothing injected (the baseline), then per syscall once stubbed ({@code -e inject=S:error=ENOSYS}) and, when
 * that fails its workload and the syscall is faked at all, once faked ({@code :retval=0}); one console line per trial,
 * {@code unifarm-needs-trial <seq> <mode> <syscall|-> <pass|fail|hung> <exit|-> <ms> <http|-> [first difference]},
 * read by the scheduler's {@code coverage.NeedsConsole}; then {@code /init} exits and the guest ends.
 *
 * <p>strace traces only the injected syscall ({@code --seccomp-bpf -e trace=S}): every other call runs at full speed,
 * so a trial costs about an untraced run. Each trial runs in its own session ({@code setsid}), so a watchdog can
 * SIGKILL all of it (threads, children, strace) when it outlives its bound: a hung trial is a failed one and never
 * blocks the sweep. The app's output goes to a file in the guest's tmpfs, never to the console.
 */
final class NeedsSweepScript {

    static final String BEGIN = "unifarm-needs-begin";
    static final String TRIAL = "unifarm-needs-trial";
    static final String END = "unifarm-needs-end";
    /** A verdict printed again at the end (same fields as {@link #TRIAL}), so the live progress counts each trial once. */
    static final String AGAIN = "unifarm-needs-again";
    /**
     * The baseline's own bound, whatever the sweep's limit (which only stops trials from starting): the first run of the
     * app under TCG translates everything it touches.
     */
    static final int BASELINE_LIMIT_S = 120;
    /** Where the sweep mounts its own procfs. */
    static final String PROC = "/tmp/uf.proc";

    private final NeedsSweep sweep;
    private final String strace;

    NeedsSweepScript(NeedsSweep sweep, String strace) {
        this.sweep = sweep;
        this.strace = strace;
    }

    void appendTo(StringBuilder s, String host) {
        s.append("# needs sweep: the app once as it is, then once per injection, a verdict line each (uf_: never the app's names)\n");
        s.append("b ip link set lo up 2>/dev/null\n");
        // the image's /proc holds the app's stand-ins (ProcPatch): the sweep's own clock and process states come from a
        // procfs of its own, out of the app's way
        s.append("b mkdir -p ").append(PROC).append("; b mount -t proc proc ").append(PROC).append('\n');
        s.append("uf_stop=0; uf_p=\n");
        s.append("trap 'uf_stop=1; [ -n \"$uf_p\" ] && b kill -KILL -$uf_p 2>/dev/null' TERM\n");
        // /proc/uptime has centiseconds: "12.34" -> 12340 ms, without a fork and without octal surprises ("0.09")
        s.append("uf_now() { read uf_up uf_x < " + PROC + "/uptime; uf_ms=$(( (${uf_up%.*} * 100 + 1${uf_up#*.} - 100) * 10 )); }\n");
        s.append("uf_alive() { [ -e " + PROC + "/$uf_p/stat ] && ! b grep -q ') Z ' " + PROC + "/$uf_p/stat 2>/dev/null; }\n");
        // The first line the trial printed that the expected output lacks (+), else the first it lacks (-).
        s.append("uf_first() { b diff -U0 \"$1\" \"$2\" 2>/dev/null | b sed -n '3,$p' > /tmp/uf.diff;")
                .append(" { b grep -m1 '^+' /tmp/uf.diff || b grep -m1 '^-' /tmp/uf.diff; } | b tr -d '\\r' | b cut -c1-300; }\n");
        appendRun(s, host);
        if (sweep.port() != null) {
            appendRequests(s);
        } else {
            appendExitJudge(s);
        }
        appendTrial(s);
        appendLoop(s);
    }

    /** Starts the app under strace in its own session, with a watchdog that kills the session after {@code $uf_limit} s. */
    private void appendRun(StringBuilder s, String host) {
        s.append("uf_start() {\n");
        s.append("  uf_opts=\"-e trace=none\"\n");
        s.append("  [ $uf_mode = stub ] && uf_opts=\"-e trace=$uf_sys -e inject=$uf_sys:error=ENOSYS\"\n");
        s.append("  [ $uf_mode = fake ] && uf_opts=\"-e trace=$uf_sys -e inject=$uf_sys:retval=0\"\n");
        s.append("  b rm -f /tmp/uf.hung /tmp/uf.out /tmp/uf.body\n");
        // busybox itself, not the b function: the background job is then busybox setsid, so $! leads the session
        s.append("  ").append(GuestInit.BUSYBOX).append(" setsid ").append(strace).append(" -f -qq --seccomp-bpf -o /dev/null $uf_opts ")
                .append(host).append(" \"$@\" </dev/null >/tmp/uf.out 2>&1 &\n");
        s.append("  uf_p=$!\n");
        s.append("  ( b sleep $uf_limit; b touch /tmp/uf.hung; b kill -KILL -$uf_p ) >/dev/null 2>&1 &\n");
        s.append("  uf_w=$!\n");
        s.append("}\n");
        s.append("uf_end() { wait $uf_p; uf_rc=$?; b kill -KILL $uf_w 2>/dev/null; wait $uf_w 2>/dev/null; uf_p=; }\n");
    }

    /** An app with a port: its requests in order, each polled until the app answers, ends or hangs. */
    private void appendRequests(StringBuilder s) {
        s.append("uf_get() {\n");
        s.append("  uf_http=0\n");
        s.append("  while [ ! -e /tmp/uf.hung ] && uf_alive; do\n");
        // busybox nc, not wget: the static wget crashes in these images (glibc's static NSS meets the app's libraries)
        s.append("    printf 'GET %s HTTP/1.0\\r\\nHost: 127.0.0.1\\r\\n\\r\\n' \"$1\" | b nc -w 30 127.0.0.1 ").append(sweep.port())
                .append(" > /tmp/uf.resp 2>/dev/null\n");
        s.append("    uf_http=$(b sed -n '1s#^HTTP/[0-9.]* \\([0-9][0-9][0-9]\\).*#\\1#p' /tmp/uf.resp)\n");
        s.append("    b sed '1,/^\\r*$/d' /tmp/uf.resp > /tmp/uf.body\n");
        s.append("    [ -n \"$uf_http\" ] && return\n");
        s.append("    uf_http=0; b usleep 50000\n");
        s.append("  done\n");
        s.append("}\n");
        // $1 request index, $2 expected status ('' = the baseline's), $3 expected body part ('' = the baseline's body), $4 path
        s.append("uf_check() {\n");
        s.append("  [ -e /tmp/uf.body ] || : > /tmp/uf.body\n");
        s.append("  if [ $uf_mode = baseline ]; then echo $uf_http > /tmp/uf.base.status.$1; b cp /tmp/uf.body /tmp/uf.base.body.$1;")
                .append(" fi\n");
        // no answer at all: what the app printed last says why (a crash, an exception) better than the status
        s.append("  [ $uf_http = 0 ] && { uf_diff=\"GET $4: no answer; the app printed: $(b tail -n 3 /tmp/uf.out | b tr -d '\\r' | b tr '\\n' ' ' | b cut -c1-300)\"; return 1; }\n");
        s.append("  uf_es=$2; [ -z \"$uf_es\" ] && read uf_es < /tmp/uf.base.status.$1\n");
        s.append("  [ \"$uf_http\" = \"$uf_es\" ] || { uf_diff=\"GET $4: $uf_http, expected $uf_es\"; return 1; }\n");
        s.append("  if [ -n \"$3\" ]; then b grep -qF -- \"$3\" /tmp/uf.body || { uf_diff=\"GET $4: the body lacks $3\"; return 1; }\n");
        s.append("  else b cmp -s /tmp/uf.base.body.$1 /tmp/uf.body || { uf_diff=\"GET $4: the body differs: $(uf_first /tmp/uf.base.body.$1 /tmp/uf.body)\"; return 1; }; fi\n");
        s.append("}\n");
        s.append("uf_judge() {\n");
        s.append("  uf_ok=1; uf_diff=\n");
        List<Workload.Request> requests = sweep.workload().requestsOrRoot();
        for (int i = 0; i < requests.size(); i++) {
            Workload.Request request = requests.get(i);
            String path = quote(request.path());
            s.append("  uf_get ").append(path).append("; uf_check ").append(i).append(' ')
                    .append(request.status() == null ? "''" : request.status()).append(' ')
                    .append(request.body() == null ? "''" : quote(request.body())).append(' ').append(path)
                    .append(" || { uf_ok=0; b kill -KILL -$uf_p 2>/dev/null; uf_end; return; }\n");
        }
        // the app served its workload: end it (its exit code is not the workload's)
        s.append("  b kill -KILL -$uf_p 2>/dev/null; uf_end\n");
        s.append("}\n");
    }

    /** An app without a port: its exit code and output against the configured ones or the baseline's. */
    private void appendExitJudge(StringBuilder s) {
        Workload workload = sweep.workload();
        if (workload.settle() != null) {
            // a worker that never ends: after the settle time its stop's SIGTERM, to the app (strace's child) alone
            s.append("uf_settle() {\n");
            s.append("  while uf_alive && [ ! -e /tmp/uf.hung ]; do uf_now; [ $((uf_ms - uf_t0)) -ge ").append(workload.settle().toMillis())
                    .append(" ] && break; b usleep 100000; done\n");
            // the children file has no newline: read fails at its end and still sets uf_c
            s.append("  uf_c=; uf_alive && read uf_c uf_x < ").append(PROC).append("/$uf_p/task/$uf_p/children\n");
            s.append("  [ -n \"$uf_c\" ] && b kill -TERM $uf_c 2>/dev/null\n");
            s.append("}\n");
        }
        s.append("uf_judge() {\n");
        if (workload.settle() != null) {
            s.append("  uf_settle\n");
        }
        s.append("  uf_end; uf_ok=1; uf_diff=; uf_http=-\n");
        s.append("  if [ $uf_mode = baseline ]; then echo $uf_rc > /tmp/uf.base.rc; b cp /tmp/uf.out /tmp/uf.base.out; fi\n");
        if (workload.exitCode() != null) {
            s.append("  uf_erc=").append(workload.exitCode()).append('\n');
        } else {
            s.append("  read uf_erc < /tmp/uf.base.rc\n");
        }
        if (workload.output() != null) {
            for (String line : workload.output()) {
                s.append("  [ $uf_ok = 1 ] && ! b grep -qxF -- ").append(quote(line)).append(" /tmp/uf.out && { uf_ok=0; uf_diff=")
                        .append(quote("-" + line)).append("; }\n");
            }
        } else {
            s.append("  b cmp -s /tmp/uf.base.out /tmp/uf.out || { uf_ok=0; uf_diff=$(uf_first /tmp/uf.base.out /tmp/uf.out); }\n");
        }
        s.append("  [ \"$uf_rc\" = \"$uf_erc\" ] || { [ $uf_ok = 1 ] && uf_diff=\"exit code $uf_rc, expected $uf_erc\"; uf_ok=0; }\n");
        s.append("}\n");
    }

    /** One trial: run, judge, print its line. */
    private static void appendTrial(StringBuilder s) {
        s.append("uf_trial() {\n");
        s.append("  uf_now; uf_t0=$uf_ms\n");
        s.append("  uf_start \"$@\"\n");
        s.append("  uf_judge\n");
        s.append("  uf_now; uf_t=$((uf_ms - uf_t0))\n");
        s.append("  uf_v=pass; [ $uf_ok = 1 ] || uf_v=fail\n");
        s.append("  [ -e /tmp/uf.hung ] && { uf_v=hung; uf_rc=-; }\n");
        s.append("  [ $uf_stop = 1 ] && [ $uf_v != pass ] && return\n");
        s.append("  uf_line=\"$uf_n $uf_mode ${uf_sys:--} $uf_v $uf_rc $uf_t ${uf_http:--} $uf_diff\"\n");
        s.append("  printf '%s\\n' \"").append(TRIAL).append(" $uf_line\"\n");
        s.append("  printf '%s\\n' \"").append(AGAIN).append(" $uf_line\" >> /tmp/uf.verdicts\n");
        s.append("  uf_n=$((uf_n + 1))\n");
        s.append("}\n");
    }

    /** The baseline, then per syscall its stub trial and, where it failed and the syscall is faked, its fake trial. */
    private void appendLoop(StringBuilder s) {
        s.append("echo \"").append(BEGIN).append(' ').append(sweep.syscalls().size()).append("\"\n");
        s.append("uf_now; uf_deadline=$((uf_ms + ").append(sweep.limit().toMillis()).append("))\n");
        s.append("uf_n=0; uf_why=complete\n");
        s.append("uf_mode=baseline; uf_sys=; uf_limit=").append(BASELINE_LIMIT_S).append("; uf_trial \"$@\"\n");
        // a trial's bound: twice the baseline and 1 s more (trials after the first run of TCG's translations are faster)
        s.append("uf_limit=$(( (2 * uf_t + 1999) / 1000 ))\n");
        s.append("if [ $uf_v = pass ]; then\n");
        s.append("  for uf_s in");
        for (String name : sweep.syscalls()) {
            s.append(' ').append(name).append(':').append(NeedsSweep.faked(name) ? 'f' : 'n');
        }
        s.append("; do\n");
        s.append("    uf_now; [ $uf_stop = 1 ] || [ $uf_ms -ge $uf_deadline ] && { uf_why=limit; break; }\n");
        s.append("    uf_sys=${uf_s%:*}; uf_mode=stub; uf_trial \"$@\"\n");
        s.append("    [ $uf_v = pass ] || [ ${uf_s#*:} = n ] || [ $uf_stop = 1 ] || { uf_mode=fake; uf_trial \"$@\"; }\n");
        s.append("  done\n");
        s.append("fi\n");
        s.append("[ $uf_stop = 1 ] && uf_why=limit\n");
        // every verdict once more before the end: a line the console lost (seen now and then under TCG, cause not found)
        // is read from its second copy; the farm merges both by trial number
        s.append("b cat /tmp/uf.verdicts 2>/dev/null\n");
        s.append("echo \"").append(END).append(" $uf_n $uf_why\"\n");
        s.append("exit 0\n");
    }

    /** A single-quoted shell word. */
    static String quote(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }
}
