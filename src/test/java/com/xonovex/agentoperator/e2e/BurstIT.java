package com.xonovex.agentoperator.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import com.xonovex.agentoperator.api.AgentRun;
import com.xonovex.agentoperator.api.Phase;

/** Many runs at once (g), and the operator killed with SIGKILL in the middle of a burst (h). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BurstIT extends E2eTest {
    static final int BURST = 200;
    static final int CRASH_BURST = 120;
    static final Duration TIMEOUT = Duration.ofMinutes(4);
    ExecutorService pool;

    @BeforeAll
    void pool() {
        pool = Executors.newFixedThreadPool(16);
    }

    @AfterAll
    void stopPool() {
        pool.shutdownNow();
    }

    /** g: every run of the burst ends terminal, with exactly one Job; none lost. One in ten fails on purpose. */
    @Test
    @Order(1)
    void twoHundredRunsAtOnceAllFinish() throws Exception {
        var ns = newNamespace("burst");
        long t0 = System.nanoTime();
        var expected = createAll(ns, BURST);
        awaitAllTerminal(ns, BURST);
        System.err.printf("e2e: %d runs terminal %.1fs after the first was created%n", BURST,
                (System.nanoTime() - t0) / 1e9);
        assertEveryRunHasExactlyOneJob(ns, expected);
    }

    /** h: kill -9 mid-burst, start again; every run still ends terminal with exactly one Job. */
    @Test
    @Order(2)
    void anOperatorKilledMidBurstFinishesEveryRunAfterARestart() throws Exception {
        var ns = newNamespace("crash");
        var expected = createAll(ns, CRASH_BURST);
        // kill while the burst is under way: some runs already have a Job, and most are not finished yet
        env().cluster.waitUntil(Duration.ofSeconds(60), "a quarter of the runs to have a Job", () -> runs(ns).stream()
                .filter(r -> r.getStatus() != null && r.getStatus().getJobName() != null).count() >= CRASH_BURST / 4);
        long terminalAtKill = runs(ns).stream().filter(E2eTest::terminal).count();
        var deadLeader = leaseHolder();
        env().operator.kill();
        System.err.printf("e2e: killed the operator with %d of %d runs terminal%n", terminalAtKill, CRASH_BURST);
        assertThat(terminalAtKill).as("runs already terminal when the operator was killed").isLessThan(CRASH_BURST);

        var readyAfter = env().startOperator();
        System.err.printf("e2e: restarted operator ready after %.1fs%n",
                readyAfter);
        awaitAllTerminal(ns, CRASH_BURST);
        assertEveryRunHasExactlyOneJob(ns, expected);
        // the new process took over the lease the killed one never released (after it expired)
        assertThat(leaseHolder()).isNotBlank().isNotEqualTo(deadLeader);
    }

    private String leaseHolder() {
        var lease = client().leases().inNamespace(E2eEnvironment.OPERATOR_NAMESPACE)
                .withName("agent-operator-leader").get();
        return lease == null ? null : lease.getSpec().getHolderIdentity();
    }

    /** Creates runs 0..n-1 in parallel; every tenth one's agent fails. Returns the expected phase by name. */
    private Map<String, Phase> createAll(String ns, int n) throws Exception {
        var expected = new HashMap<String, Phase>();
        var futures = new java.util.ArrayList<Future<AgentRun>>();
        for (int i = 0; i < n; i++) {
            var name = String.format("run-%03d", i);
            var labels = i % 10 == 9 ? Map.of(FAIL, "agent") : Map.<String, String> of();
            expected.put(name, i % 10 == 9 ? Phase.FAILED : Phase.SUCCEEDED);
            futures.add(pool.submit(() -> create(run(ns, name, labels))));
        }
        for (var f : futures) {
            f.get();
        }
        return expected;
    }

    private List<AgentRun> runs(String ns) {
        return client().resources(AgentRun.class).inNamespace(ns).list().getItems();
    }

    private void awaitAllTerminal(String ns, int n) {
        long[] lastPrint = { System.nanoTime() };
        env().cluster.waitUntil(TIMEOUT, n + " runs in " + ns + " terminal", () -> {
            env().operator.checkAlive();
            var runs = runs(ns);
            long done = runs.stream().filter(E2eTest::terminal).count();
            if (System.nanoTime() - lastPrint[0] > 15e9) {
                lastPrint[0] = System.nanoTime();
                System.err.printf("e2e: %s: %d/%d terminal, phases %s%n", ns, done, n, runs.stream().collect(
                        Collectors.groupingBy(r -> r.getStatus() == null || r.getStatus().getPhase() == null
                                ? "none" : r.getStatus().getPhase().value(), Collectors.counting())));
            }
            return runs.size() == n && done == n;
        });
    }

    private void assertEveryRunHasExactlyOneJob(String ns, Map<String, Phase> expected) {
        var runs = runs(ns);
        var jobs = client().batch().v1().jobs().inNamespace(ns).list().getItems();
        assertThat(runs).hasSize(expected.size());
        assertThat(jobs).hasSize(expected.size());
        for (var run : runs) {
            var name = run.getMetadata().getName();
            assertThat(jobsOf(run, jobs)).as("Jobs of %s", name).hasSize(1);
            assertThat(run.getStatus().getPhase()).as("phase of %s", name).isEqualTo(expected.get(name));
        }
    }
}
