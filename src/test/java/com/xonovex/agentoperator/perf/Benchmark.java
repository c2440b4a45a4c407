package com.xonovex.agentoperator.perf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.xonovex.agentoperator.api.AgentProvider;
import com.xonovex.agentoperator.api.AgentProviderSpec;
import com.xonovex.agentoperator.api.AgentRun;
import com.xonovex.agentoperator.api.AgentRunSpec;
import com.xonovex.agentoperator.api.AgentRunStatus;
import com.xonovex.agentoperator.api.AgentType;
import com.xonovex.agentoperator.api.Repository;
import com.xonovex.agentoperator.api.SecretKeyRef;
import com.xonovex.agentoperator.e2e.BenchCluster;
import com.xonovex.agentoperator.e2e.Processes;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/**
 * The operator's speed and memory next to a raw client's, measured side by side (src/test/perf/benchmark.sh runs
 * it; see the README's "Speed and memory"). Per repetition and per subject (the packaged operator, then
 * {@link RawOperator}) it starts a fresh etcd + kube-apiserver from the test bed (no nodes: the create path only; with
 * {@code --lifecycle} the whole tier-3 control plane with kwok nodes), creates a ready AgentProvider and
 * {@code --pre-existing} runs, starts the subject and times exec → the first of their Jobs, then creates N runs with
 * {@code --creators} parallel clients and measures: runs/s until every Job exists and until every status says so, the
 * API server's requests per run by verb and resource (apiserver_request_total, less the creator's own run creates),
 * the subject's CPU seconds per run, and for the operator its live heap (class histogram total, after a full GC)
 * before and after, RSS (now and peak) and the size of /q/metrics. Medians over the repetitions, and the operator's
 * ratio to the raw client, go to a markdown table on stdout and to a JSON file.
 */
public final class Benchmark {
    static final String NAMESPACE = "bench";
    static final String PROVIDER = "bench-provider";
    /**
     * The operator's JVM flags by default: those of the image (src/main/docker/Dockerfile.jvm's ENTRYPOINT), with
     * {@code -XX:MaxRAM} standing in for the chart's memory limit (512Mi), which is what the JVM sizes its heap from
     * inside a container.
     */
    static final List<String> IMAGE_FLAGS = List.of("-XX:MaxRAM=512m", "-XX:MaxRAMPercentage=50.0",
            "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError");
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    record Options(List<Integer> runs, int reps, int promptKib, boolean lifecycle, int creators, int workers,
            int preExisting, Path out, Path operatorDir, Path baselineDir, String java, List<String> jvmFlags,
            List<String> subjects, String label) {
    }

    private final Options options;
    private final Path project = Path.of("").toAbsolutePath();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private Benchmark(Options options) {
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        int exit = 1;
        try {
            new Benchmark(parse(args)).run();
            exit = 0;
        } catch (Exception | Error e) {
            e.printStackTrace();
        } finally {
            System.exit(exit); // the clients' Vert.x threads would keep the JVM alive
        }
    }

    static Options parse(String[] args) {
        List<Integer> runs = List.of(500);
        int reps = 3, promptKib = 0, creators = 16, workers = 16, preExisting = 10;
        boolean lifecycle = false;
        Path out = Path.of("target/perf/benchmark.json");
        Path operatorDir = Path.of("target/quarkus-app");
        Path baselineDir = null;
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> jvmFlags = IMAGE_FLAGS;
        List<String> subjects = List.of("operator", "raw");
        String label = "";
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (a) {
                case "--runs" -> runs = Arrays.stream(v.split(",")).map(String::strip).map(Integer::parseInt).toList();
                case "--reps" -> reps = Integer.parseInt(v);
                case "--prompt-kib" -> promptKib = Integer.parseInt(v);
                case "--creators" -> creators = Integer.parseInt(v);
                case "--workers" -> workers = Integer.parseInt(v);
                case "--pre-existing" -> preExisting = Integer.parseInt(v);
                case "--out" -> out = Path.of(v);
                case "--operator-dir" -> operatorDir = Path.of(v);
                case "--baseline-dir" -> baselineDir = Path.of(v);
                case "--java" -> java = v;
                case "--jvm-flags" -> jvmFlags = v.isBlank() ? List.of() : List.of(v.strip().split("\\s+"));
                case "--subjects" -> subjects = List.of(v.split(","));
                case "--label" -> label = v;
                case "--lifecycle" -> {
                    lifecycle = true;
                    i--;
                }
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
            i++;
        }
        if (baselineDir != null && !subjects.contains("baseline")) {
            subjects = new ArrayList<>(subjects);
            subjects.add(0, "baseline");
        }
        if (lifecycle) {
            // the raw client never follows a run past its start
            subjects = subjects.stream().filter(x -> !x.equals("raw")).toList();
        }
        return new Options(runs, reps, promptKib, lifecycle, creators, workers, preExisting, out, operatorDir,
                baselineDir, java, jvmFlags, subjects, label);
    }

    // ------------------------------------------------------------------------------------------------------------

    private void run() throws Exception {
        var results = new ArrayList<Map<String, Object>>();
        var load0 = loadAverage();
        var started = Instant.now();
        for (int n : options.runs()) {
            for (int rep = 1; rep <= options.reps(); rep++) {
                for (var subject : options.subjects()) {
                    log("N=%d repetition %d/%d: %s (load %s)", n, rep, options.reps(), subject, loadAverage());
                    var r = measure(subject, n);
                    r.put("rep", rep);
                    results.add(r);
                    log("N=%d rep %d %s: %s", n, rep, subject, brief(r));
                }
            }
        }
        var summary = new LinkedHashMap<String, Object>();
        summary.put("label", options.label());
        summary.put("date", started.toString());
        summary.put("machine", machine());
        summary.put("loadAverageBefore", load0);
        summary.put("loadAverageAfter", loadAverage());
        var opts = new LinkedHashMap<String, Object>();
        opts.put("runs", options.runs());
        opts.put("reps", options.reps());
        opts.put("promptKib", options.promptKib());
        opts.put("lifecycle", options.lifecycle());
        opts.put("creators", options.creators());
        opts.put("workers", options.workers());
        opts.put("preExisting", options.preExisting());
        opts.put("java", options.java());
        opts.put("jvmFlags", options.jvmFlags());
        opts.put("operatorDir", options.operatorDir().toString());
        opts.put("baselineDir", String.valueOf(options.baselineDir()));
        summary.put("options", opts);
        summary.put("medians", medians(results));
        summary.put("measurements", results);
        Files.createDirectories(options.out().toAbsolutePath().getParent());
        JSON.writeValue(options.out().toFile(), summary);
        System.out.println(table(summary));
        log("results in %s", options.out());
    }

    /** One subject on a fresh API server: startup, then N runs. */
    private Map<String, Object> measure(String subject, int n) throws Exception {
        var r = new LinkedHashMap<String, Object>();
        r.put("subject", subject);
        r.put("runs", n);
        try (var cluster = BenchCluster.start(project, options.lifecycle());
                var watch = new Watch(cluster.admin())) {
            var admin = cluster.admin();
            setUpNamespace(admin);
            int m = options.lifecycle() ? 0 : options.preExisting();
            try (var creator = creatorClient(cluster.kubeconfig())) {
                createRuns(creator, "pre-", m);
            }
            watch.start();
            var subjectProcess = new Subject(subject, cluster);
            try {
                long exec = System.nanoTime();
                subjectProcess.start();
                if (m > 0) {
                    await(cluster, subjectProcess, Duration.ofSeconds(120), "the first pre-existing Job",
                            () -> watch.jobs.size() >= 1);
                    // CPU time is the figure least affected by other load on the machine
                    r.put("startCpuSecondsToFirstJob", subjectProcess.cpuTicks() / (double) ticksPerSecond());
                    r.put("startFirstJobSeconds", seconds(watch.jobs.values().stream().min(Long::compare).get() - exec));
                    await(cluster, subjectProcess, Duration.ofSeconds(120), m + " pre-existing Jobs",
                            () -> watch.jobs.size() >= m);
                    r.put("startAllPreExistingJobsSeconds",
                            seconds(watch.jobs.values().stream().max(Long::compare).get() - exec));
                    await(cluster, subjectProcess, Duration.ofSeconds(120), m + " pre-existing statuses",
                            () -> watch.started.size() >= m);
                }
                subjectProcess.awaitReady(cluster);
                if (n == 0) {
                    // --runs 0: startup only
                    r.put("before", subjectProcess.sample(false));
                    return r;
                }
                Thread.sleep(3000);
                var before = subjectProcess.sample(true);
                var requestsBefore = apiserverRequests(admin);
                long cpuBefore = subjectProcess.cpuTicks();

                long t0 = System.nanoTime();
                try (var creator = creatorClient(cluster.kubeconfig())) {
                    createRuns(creator, "run-", n);
                }
                long tCreated = System.nanoTime();
                var timeout = Duration.ofSeconds(180 + n / 5);
                await(cluster, subjectProcess, timeout, (m + n) + " Jobs", () -> watch.jobs.size() >= m + n);
                long tJobs = watch.jobs.values().stream().max(Long::compare).get();
                await(cluster, subjectProcess, timeout, (m + n) + " statuses", () -> watch.started.size() >= m + n);
                long tStatus = watch.started.values().stream().max(Long::compare).get();
                r.put("createSeconds", seconds(tCreated - t0));
                r.put("jobsPerSecond", n / seconds(tJobs - t0));
                r.put("statusesPerSecond", n / seconds(tStatus - t0));
                if (options.lifecycle()) {
                    await(cluster, subjectProcess, timeout, n + " runs terminal", () -> watch.terminal.size() >= n);
                    r.put("terminalSeconds", seconds(watch.terminal.values().stream().max(Long::compare).get() - t0));
                }
                Thread.sleep(2000);
                long cpuAfter = subjectProcess.cpuTicks();
                var requestsAfter = apiserverRequests(admin);
                var after = subjectProcess.sample(true);
                r.put("cpuMsPerRun", (cpuAfter - cpuBefore) * 1000.0 / ticksPerSecond() / n);
                var delta = delta(requestsBefore, requestsAfter);
                // the creator's own requests are not the subject's
                delta.computeIfPresent("POST agentruns", (k, v) -> v - n);
                delta.values().removeIf(v -> v == 0);
                r.put("requests", delta);
                var perRun = new TreeMap<String, Double>();
                delta.forEach((k, v) -> {
                    // leader election and the API server's own endpoints and leases: by time, not by run
                    if (!k.endsWith(" leases") && !k.endsWith(" endpoints") && !k.endsWith(" endpointslices")) {
                        perRun.put(k, v / (double) n);
                    }
                });
                r.put("requestsPerRun", perRun);
                r.put("requestsPerRunTotal", perRun.values().stream().mapToDouble(Double::doubleValue).sum());
                r.put("before", before);
                r.put("after", after);
                if (before.containsKey("liveHeapBytes") && after.containsKey("liveHeapBytes")) {
                    r.put("liveHeapMiB", after.get("liveHeapBytes") / 1048576.0);
                    r.put("heapKBPerRun", (after.get("liveHeapBytes") - before.get("liveHeapBytes")) / 1000.0 / n);
                    r.put("rssMiB", after.get("rssKiB") / 1024.0);
                    r.put("peakRssMiB", after.get("peakRssKiB") / 1024.0);
                    r.put("metricsBytesBefore", before.get("metricsBytes"));
                    r.put("metricsBytesAfter", after.get("metricsBytes"));
                    r.put("metricsSeriesAfter", after.get("metricsSeries"));
                }
                if (options.lifecycle()) {
                    lifecycle(r, cluster, subjectProcess, n, requestsBefore);
                    r.put("lifecycleStatusChanges", new TreeMap<>(watch.statusChanges));
                    r.put("lifecycleSamePhaseChanges", new TreeMap<>(watch.samePhaseChanges));
                }
            } finally {
                subjectProcess.stop();
            }
        }
        return r;
    }

    /**
     * Status writes and events per run over the whole lifecycle, and writes of no-op reconciles after a restart.
     * Writes are counted from the same API server counters, and since the same moment, as the request table (they
     * once were not, and the two disagreed); events are the subject's own, on AgentRuns (the table's POST events
     * also has the Job controller's, the scheduler's and kwok's).
     */
    private void lifecycle(Map<String, Object> r, BenchCluster cluster, Subject subject, int n,
            Map<String, Long> requestsBefore) throws Exception {
        var admin = cluster.admin();
        long statusWrites = statusWrites(delta(requestsBefore, apiserverRequests(admin)));
        long events = runEvents(admin);
        r.put("lifecycleStatusWritesPerRun", statusWrites / (double) n);
        r.put("lifecycleEventsPerRun", events / (double) n);
        // a restarted operator reconciles every (terminal) run again: none of that may write
        subject.stop();
        subject.start();
        subject.awaitReady(cluster);
        Thread.sleep(10_000);
        long writesAfter = statusWrites(delta(requestsBefore, apiserverRequests(admin)));
        r.put("restartStatusWrites", writesAfter - statusWrites);
        r.put("restartEvents", runEvents(admin) - events);
    }

    private static long runEvents(KubernetesClient admin) {
        return admin.v1().events().inNamespace(NAMESPACE).list().getItems().stream()
                .filter(e -> "AgentRun".equals(e.getInvolvedObject().getKind())).count();
    }

    /** Every way to write a status: server-side apply (the operator's), patch, update. */
    private static long statusWrites(Map<String, Long> requests) {
        return requests.getOrDefault("APPLY agentruns/status", 0L) + requests.getOrDefault("PATCH agentruns/status", 0L)
                + requests.getOrDefault("PUT agentruns/status", 0L);
    }

    // ---- the cluster side -------------------------------------------------------------------------------------

    private void setUpNamespace(KubernetesClient admin) {
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata()
                .build()).create();
        admin.secrets().inNamespace(NAMESPACE).resource(new SecretBuilder().withNewMetadata().withName("llm-token")
                .endMetadata().addToStringData("token", "s3cr3t-token-value").build()).create();
        var provider = new AgentProvider();
        provider.getMetadata().setName(PROVIDER);
        provider.getMetadata().setNamespace(NAMESPACE);
        var spec = new AgentProviderSpec();
        spec.setDisplayName("benchmark provider");
        spec.setAgentTypes(List.of(AgentType.CLAUDE));
        spec.setAuthTokenSecretRef(new SecretKeyRef("llm-token", "token"));
        provider.setSpec(spec);
        admin.resource(provider).create();
        if (options.lifecycle()) {
            // pods need the namespace's default ServiceAccount, which kube-controller-manager creates
            waitFor(Duration.ofSeconds(60), "ServiceAccount default",
                    () -> admin.serviceAccounts().inNamespace(NAMESPACE).withName("default").get() != null);
        }
    }

    private KubernetesClient creatorClient(Path kubeconfig) {
        try {
            var config = Config.fromKubeconfig(null, Files.readString(kubeconfig), kubeconfig.toString());
            config.setMaxConcurrentRequests(256);
            config.setMaxConcurrentRequestsPerHost(256);
            config.setRequestTimeout(60_000);
            return new KubernetesClientBuilder().withConfig(config).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void createRuns(KubernetesClient client, String prefix, int n) throws Exception {
        if (n == 0) {
            return;
        }
        var prompt = prompt(options.promptKib());
        ExecutorService pool = Executors.newFixedThreadPool(options.creators());
        try {
            var futures = new ArrayList<Future<?>>();
            for (int i = 0; i < n; i++) {
                var name = String.format("%s%05d", prefix, i);
                futures.add(pool.submit(() -> client.resource(run(name, prompt)).create()));
            }
            for (var f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    static String prompt(int kib) {
        if (kib <= 0) {
            return "Fix the authentication bug in the login handler";
        }
        var line = "Refactor the module so that every handler validates its input; keep the tests green.\n";
        var sb = new StringBuilder(kib * 1024);
        while (sb.length() < kib * 1024) {
            sb.append(line);
        }
        return sb.substring(0, kib * 1024);
    }

    static AgentRun run(String name, String prompt) {
        var run = new AgentRun();
        run.getMetadata().setName(name);
        run.getMetadata().setNamespace(NAMESPACE);
        var spec = new AgentRunSpec();
        spec.setAgent(AgentType.CLAUDE);
        spec.setProviderRef(PROVIDER);
        var repository = new Repository();
        repository.setUrl("https://github.com/org/repo.git");
        repository.setBranch("main");
        spec.setRepository(repository);
        spec.setPrompt(prompt);
        spec.setTimeout("10m");
        run.setSpec(spec);
        return run;
    }

    private static final Pattern REQUEST_TOTAL = Pattern.compile("^apiserver_request_total\\{(.*)\\} ([0-9.e+]+)$");
    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"([^\"]*)\"");

    /** apiserver_request_total summed by verb and resource[/subresource]. */
    static Map<String, Long> apiserverRequests(KubernetesClient admin) {
        var totals = new TreeMap<String, Long>();
        for (var line : admin.raw("/metrics").split("\n")) {
            var m = REQUEST_TOTAL.matcher(line);
            if (!m.matches()) {
                continue;
            }
            var labels = new TreeMap<String, String>();
            var l = LABEL.matcher(m.group(1));
            while (l.find()) {
                labels.put(l.group(1), l.group(2));
            }
            var resource = labels.getOrDefault("resource", "");
            if (resource.isEmpty()) {
                continue; // /metrics, /readyz, discovery
            }
            var sub = labels.getOrDefault("subresource", "");
            var key = labels.get("verb") + " " + resource + (sub.isEmpty() ? "" : "/" + sub);
            totals.merge(key, (long) Double.parseDouble(m.group(2)), Long::sum);
        }
        return totals;
    }

    static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after) {
        var d = new TreeMap<String, Long>();
        after.forEach((k, v) -> d.put(k, v - before.getOrDefault(k, 0L)));
        return d;
    }

    /** When each Job first appeared, when each run's status first named its Job, when each run became terminal. */
    static final class Watch implements AutoCloseable {
        final Map<String, Long> jobs = new ConcurrentHashMap<>();
        final Map<String, Long> started = new ConcurrentHashMap<>();
        final Map<String, Long> terminal = new ConcurrentHashMap<>();
        /** Status changes seen on the watch, by the status they led to (phase and conditions): where writes go. */
        final Map<String, Long> statusChanges = new ConcurrentHashMap<>();
        /** Status changes that kept the phase, by the fields they changed: writes the lifecycle could spare. */
        final Map<String, Long> samePhaseChanges = new ConcurrentHashMap<>();
        private final KubernetesClient client;
        private SharedIndexInformer<Job> jobInformer;
        private SharedIndexInformer<AgentRun> runInformer;

        Watch(KubernetesClient client) {
            this.client = client;
        }

        void start() {
            jobInformer = client.batch().v1().jobs().inNamespace(NAMESPACE).inform(new ResourceEventHandler<>() {
                @Override
                public void onAdd(Job job) {
                    jobs.putIfAbsent(job.getMetadata().getName(), System.nanoTime());
                }

                @Override
                public void onUpdate(Job old, Job job) {
                    onAdd(job);
                }

                @Override
                public void onDelete(Job job, boolean unknown) {
                }
            });
            runInformer = client.resources(AgentRun.class).inNamespace(NAMESPACE).inform(new ResourceEventHandler<>() {
                @Override
                public void onAdd(AgentRun run) {
                    long now = System.nanoTime();
                    var status = run.getStatus();
                    if (status != null && status.getJobName() != null) {
                        started.putIfAbsent(run.getMetadata().getName(), now);
                    }
                    if (status != null && status.getPhase() != null && status.getPhase().isTerminal()) {
                        terminal.putIfAbsent(run.getMetadata().getName(), now);
                    }
                }

                @Override
                public void onUpdate(AgentRun old, AgentRun run) {
                    onAdd(run);
                    if (run.getStatus() != null && !Objects.equals(old.getStatus(), run.getStatus())) {
                        statusChanges.merge(describe(run.getStatus()), 1L, Long::sum);
                        if (old.getStatus() != null && old.getStatus().getPhase() == run.getStatus().getPhase()) {
                            samePhaseChanges.merge(run.getStatus().getPhase() + " " + changedFields(old.getStatus(),
                                    run.getStatus()), 1L, Long::sum);
                        }
                    }
                }

                @Override
                public void onDelete(AgentRun run, boolean unknown) {
                }
            });
        }

        /** The status fields that differ, conditions by type and field. */
        static List<String> changedFields(AgentRunStatus old, AgentRunStatus now) {
            var a = JSON.convertValue(old, Map.class);
            var b = JSON.convertValue(now, Map.class);
            var changed = new TreeSet<String>();
            var keys = new TreeSet<Object>(a.keySet());
            keys.addAll(b.keySet());
            for (var key : keys) {
                if ("conditions".equals(key)) {
                    continue;
                }
                if (!Objects.equals(a.get(key), b.get(key))) {
                    changed.add(String.valueOf(key));
                }
            }
            var types = new TreeSet<String>();
            old.getConditions().forEach(c -> types.add(c.getType()));
            now.getConditions().forEach(c -> types.add(c.getType()));
            for (var type : types) {
                var was = JSON.convertValue(condition(old, type), Map.class);
                var is = JSON.convertValue(condition(now, type), Map.class);
                if (!Objects.equals(was, is)) {
                    var fields = new TreeSet<String>();
                    if (was == null || is == null) {
                        fields.add(was == null ? "added" : "removed");
                    } else {
                        for (var f : (Set<?>) is.keySet()) {
                            if (!Objects.equals(was.get(f), is.get(f))) {
                                fields.add(String.valueOf(f));
                            }
                        }
                    }
                    changed.add("conditions." + type + fields);
                }
            }
            return List.copyOf(changed);
        }

        private static Condition condition(AgentRunStatus status, String type) {
            return status.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
        }

        private static String describe(AgentRunStatus status) {
            return status.getPhase() + " " + status.getConditions().stream()
                    .map(c -> c.getType() + "=" + c.getStatus() + "/" + c.getReason()).sorted().toList();
        }

        @Override
        public void close() {
            if (jobInformer != null) {
                jobInformer.close();
            }
            if (runInformer != null) {
                runInformer.close();
            }
        }
    }

    // ---- the subject: the packaged operator, or the raw client -------------------------------------------------

    final class Subject {
        final String kind;
        final BenchCluster cluster;
        final int port = Processes.freePort();
        Process process;
        Path log;
        int starts;

        Subject(String kind, BenchCluster cluster) {
            this.kind = kind;
            this.cluster = cluster;
        }

        void start() throws IOException {
            starts++;
            log = cluster.work().resolve(kind + "-" + starts + ".log");
            List<String> command = new ArrayList<>();
            ProcessBuilder builder;
            if (isOperator()) {
                command.add(options.java());
                command.addAll(options.jvmFlags());
                command.addAll(List.of("-jar", "quarkus-run.jar"));
                var dir = kind.equals("baseline") ? options.baselineDir() : options.operatorDir();
                builder = new ProcessBuilder(command).directory(dir.toFile());
                var env = builder.environment();
                env.put("KUBECONFIG", cluster.kubeconfig().toString());
                env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
                env.put("AGENT_OPERATOR_LEADER_ELECTION_LEASE_NAMESPACE", "default");
            } else {
                command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp", System.getProperty("java.class.path"), RawOperator.class.getName(),
                        cluster.kubeconfig().toString(), Integer.toString(options.workers())));
                builder = new ProcessBuilder(command).directory(cluster.work().toFile());
            }
            builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            process = builder.start();
        }

        boolean isOperator() {
            return !kind.equals("raw");
        }

        void awaitReady(BenchCluster cluster) {
            await(cluster, this, Duration.ofSeconds(120), kind + " ready", () -> {
                if (isOperator()) {
                    var ready = get("/q/health/ready");
                    return ready != null && ready.contains("\"UP\"");
                }
                try {
                    return Files.readString(log).contains("raw: ready");
                } catch (IOException e) {
                    return false;
                }
            });
        }

        boolean alive() {
            return process.isAlive();
        }

        void stop() {
            if (process == null || !process.isAlive()) {
                return;
            }
            process.destroy();
            try {
                // a JVM writing an AOT cache at exit (-XX:AOTCacheOutput) takes a while
                if (!process.waitFor(120, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }

        long cpuTicks() throws IOException {
            var stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            var fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        }

        /** RSS now and at its peak; for the operator also its live heap (after a full GC) and /q/metrics. */
        Map<String, Long> sample(boolean heap) throws IOException, InterruptedException {
            var s = new LinkedHashMap<String, Long>();
            s.put("rssKiB", procStatus("VmRSS"));
            s.put("peakRssKiB", procStatus("VmHWM"));
            if (isOperator()) {
                var metrics = get("/q/metrics");
                if (metrics != null) {
                    s.put("metricsBytes", (long) metrics.getBytes(StandardCharsets.UTF_8).length);
                    s.put("metricsSeries", metrics.lines().filter(l -> !l.isEmpty() && !l.startsWith("#")).count());
                }
                if (heap) {
                    s.put("liveHeapBytes", liveHeap());
                    s.put("rssAfterGcKiB", procStatus("VmRSS"));
                }
            }
            return s;
        }

        private long procStatus(String field) throws IOException {
            for (var line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
            return -1;
        }

        /** The "Total" of jcmd GC.class_histogram, which counts live objects only (it runs a full GC first). */
        private long liveHeap() throws IOException, InterruptedException {
            var jcmd = Path.of(options.java()).resolveSibling("jcmd").toString();
            var p = new ProcessBuilder(jcmd, Long.toString(process.pid()), "GC.class_histogram")
                    .redirectErrorStream(true).start();
            var out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            var lines = out.strip().split("\n");
            var total = lines[lines.length - 1].strip().split("\\s+");
            if (!total[0].equals("Total")) {
                throw new IllegalStateException("unexpected jcmd output: " + lines[lines.length - 1]);
            }
            return Long.parseLong(total[2]);
        }

        String get(String path) {
            try {
                var response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
                return response.statusCode() == 200 ? response.body() : null;
            } catch (IOException e) {
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }

        String logTail(int lines) {
            try {
                var all = Files.readAllLines(log);
                return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
            } catch (IOException | UncheckedIOException e) {
                return "(no log: " + e + ")";
            }
        }
    }

    private void await(BenchCluster cluster, Subject subject, Duration timeout, String what,
            BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            cluster.checkAlive();
            if (!subject.alive()) {
                throw new IllegalStateException(subject.kind + " exited while waiting for " + what + ":\n"
                        + subject.logTail(60));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + timeout + " waiting for " + what + ":\n"
                        + subject.logTail(60));
            }
            sleep(20);
        }
    }

    private static void waitFor(Duration timeout, String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + timeout + " waiting for " + what);
            }
            sleep(100);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    // ---- report -----------------------------------------------------------------------------------------------

    private static final List<String> MEDIAN_KEYS = List.of("jobsPerSecond", "statusesPerSecond", "cpuMsPerRun",
            "requestsPerRunTotal", "liveHeapMiB", "heapKBPerRun", "rssMiB", "peakRssMiB", "metricsBytesBefore",
            "metricsBytesAfter", "metricsSeriesAfter", "startFirstJobSeconds", "startCpuSecondsToFirstJob",
            "startAllPreExistingJobsSeconds",
            "terminalSeconds", "lifecycleStatusWritesPerRun", "lifecycleEventsPerRun", "restartStatusWrites",
            "restartEvents");

    /** Per N and subject: the median of each figure over the repetitions, and the per-repetition ratio's median. */
    static Map<String, Object> medians(List<Map<String, Object>> results) {
        var out = new LinkedHashMap<String, Object>();
        var byN = new TreeMap<Integer, List<Map<String, Object>>>();
        results.forEach(r -> byN.computeIfAbsent((Integer) r.get("runs"), k -> new ArrayList<>()).add(r));
        byN.forEach((n, rs) -> {
            var perSubject = new LinkedHashMap<String, Object>();
            for (var subject : List.of("baseline", "operator", "raw")) {
                var mine = rs.stream().filter(r -> subject.equals(r.get("subject"))).toList();
                if (mine.isEmpty()) {
                    continue;
                }
                var m = new LinkedHashMap<String, Object>();
                for (var key : MEDIAN_KEYS) {
                    var values = mine.stream().map(r -> r.get(key)).filter(v -> v instanceof Number)
                            .map(v -> ((Number) v).doubleValue()).sorted().toList();
                    if (!values.isEmpty()) {
                        m.put(key, median(values));
                    }
                }
                var perRun = new TreeMap<String, Double>();
                mine.stream().filter(r -> r.containsKey("requestsPerRun")).flatMap(r -> ((Map<?, ?>) r.get("requestsPerRun")).keySet().stream())
                        .map(Object::toString).distinct().forEach(k -> perRun.put(k, median(mine.stream()
                                .map(r -> (Map<?, ?>) r.getOrDefault("requestsPerRun", Map.of())).map(x -> x.get(k))
                                .map(v -> v == null ? 0.0 : ((Number) v).doubleValue()).sorted().toList())));
                m.put("requestsPerRun", perRun);
                perSubject.put(subject, m);
            }
            for (var subject : List.of("operator", "baseline")) {
                for (var key : List.of("jobsPerSecond", "statusesPerSecond")) {
                    var ratios = new ArrayList<Double>();
                    for (var op : rs.stream().filter(r -> subject.equals(r.get("subject"))).toList()) {
                        rs.stream().filter(r -> "raw".equals(r.get("subject")) && r.get("rep").equals(op.get("rep")))
                                .findFirst().ifPresent(raw -> ratios.add(((Number) op.get(key)).doubleValue()
                                        / ((Number) raw.get(key)).doubleValue()));
                    }
                    if (!ratios.isEmpty()) {
                        perSubject.put((subject.equals("operator") ? "" : subject + "_") + "ratio_" + key,
                                median(ratios.stream().sorted().toList()));
                    }
                }
            }
            out.put(Integer.toString(n), perSubject);
        });
        return out;
    }

    static double median(List<Double> sorted) {
        int k = sorted.size();
        return k % 2 == 1 ? sorted.get(k / 2) : (sorted.get(k / 2 - 1) + sorted.get(k / 2)) / 2;
    }

    @SuppressWarnings("unchecked")
    static String table(Map<String, Object> summary) {
        var sb = new StringBuilder();
        var medians = (Map<String, Map<String, Object>>) (Map<?, ?>) summary.get("medians");
        sb.append("\n").append(summary.get("label")).append(" ").append(summary.get("date")).append(", ")
                .append(summary.get("machine")).append(", load average ").append(summary.get("loadAverageBefore"))
                .append(" before, ").append(summary.get("loadAverageAfter")).append(" after; options ")
                .append(summary.get("options")).append("\n\n");
        sb.append("| N | subject | runs/s to Job | runs/s to status | requests/run | CPU ms/run | live heap (MiB) "
                + "| heap/run (KB) | RSS / peak (MiB) | /q/metrics at 0 → N (KB) | start → first Job (s) "
                + "| CPU to first Job (s) |\n");
        sb.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
        medians.forEach((n, perSubject) -> {
            for (var subject : List.of("baseline", "operator", "raw")) {
                var m = (Map<String, Object>) perSubject.get(subject);
                if (m == null) {
                    continue;
                }
                sb.append("| ").append(n).append(" | ").append(subject).append(" | ")
                        .append(f(m, "jobsPerSecond", 1)).append(" | ").append(f(m, "statusesPerSecond", 1))
                        .append(" | ").append(f(m, "requestsPerRunTotal", 2)).append(" | ")
                        .append(f(m, "cpuMsPerRun", 2)).append(" | ").append(f(m, "liveHeapMiB", 0)).append(" | ")
                        .append(f(m, "heapKBPerRun", 1)).append(" | ").append(f(m, "rssMiB", 0)).append(" / ")
                        .append(f(m, "peakRssMiB", 0)).append(" | ").append(kb(m, "metricsBytesBefore"))
                        .append(" → ").append(kb(m, "metricsBytesAfter")).append(" | ")
                        .append(f(m, "startFirstJobSeconds", 2)).append(" | ")
                        .append(f(m, "startCpuSecondsToFirstJob", 2)).append(" |\n");
            }
            for (var prefix : List.of("baseline_", "")) {
                if (perSubject.containsKey(prefix + "ratio_jobsPerSecond")) {
                    sb.append("| ").append(n).append(" | ").append(prefix.isEmpty() ? "operator" : "baseline")
                            .append(" / raw | ").append(f(perSubject, prefix + "ratio_jobsPerSecond", 2))
                            .append(" | ").append(f(perSubject, prefix + "ratio_statusesPerSecond", 2))
                            .append(" | | | | | | | | |\n");
                }
            }
        });
        sb.append("\nRequests per run (median), by verb and resource:\n\n");
        medians.forEach((n, perSubject) -> {
            for (var subject : List.of("baseline", "operator", "raw")) {
                var m = (Map<String, Object>) perSubject.get(subject);
                if (m != null) {
                    var perRun = (Map<String, Double>) m.get("requestsPerRun");
                    var shown = new StringBuilder();
                    double rest = 0;
                    for (var e : perRun.entrySet()) {
                        if (e.getValue() >= 0.01) {
                            shown.append(shown.length() == 0 ? "" : ", ").append(e.getKey()).append(" ")
                                    .append(String.format("%.2f", e.getValue()));
                        } else {
                            rest += e.getValue();
                        }
                    }
                    sb.append("- N=").append(n).append(" ").append(subject).append(": ").append(shown)
                            .append(String.format("; the rest together %.3f (the API server's own watches and "
                                    + "lists, informer restarts)", rest)).append("\n");
                }
            }
            for (var subject : List.of("baseline", "operator")) {
                var op = (Map<String, Object>) perSubject.get(subject);
                if (op == null || !op.containsKey("lifecycleStatusWritesPerRun")) {
                    continue;
                }
                sb.append("- N=").append(n).append(" ").append(subject).append(" lifecycle: status writes/run ")
                        .append(f(op, "lifecycleStatusWritesPerRun", 2)).append(", events/run ")
                        .append(f(op, "lifecycleEventsPerRun", 2)).append(", after a restart: status writes ")
                        .append(f(op, "restartStatusWrites", 0)).append(", events ").append(f(op, "restartEvents", 0))
                        .append("\n");
            }
        });
        return sb.toString();
    }

    private static String f(Map<String, Object> m, String key, int decimals) {
        var v = m.get(key);
        return v instanceof Number num ? String.format("%." + decimals + "f", num.doubleValue()) : "–";
    }

    private static String kb(Map<String, Object> m, String key) {
        var v = m.get(key);
        return v instanceof Number num ? String.format("%.0f", num.doubleValue() / 1000) : "–";
    }

    private static String brief(Map<String, Object> r) {
        var b = new LinkedHashMap<String, Object>(r);
        b.remove("before");
        b.remove("after");
        b.remove("requests");
        return b.toString();
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    private static long ticksPerSecond() {
        return 100; // CLK_TCK on Linux
    }

    static String loadAverage() {
        try {
            var f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }

    static String machine() {
        String cpu = "?";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse("?");
        } catch (IOException e) {
            // keep "?"
        }
        return Runtime.getRuntime().availableProcessors() + " cores (" + cpu + "), "
                + Math.round(new com.sun.management.OperatingSystemMXBean[] {
                        (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                                .getOperatingSystemMXBean() }[0].getTotalMemorySize() / 1073741824.0)
                + " GiB";
    }


    static void log(String format, Object... args) {
        System.err.printf("benchmark: " + format + "%n", args);
    }
}
