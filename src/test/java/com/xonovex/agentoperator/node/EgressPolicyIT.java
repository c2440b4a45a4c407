package com.xonovex.agentoperator.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;
import com.xonovex.agentoperator.api.AgentPolicy;
import com.xonovex.agentoperator.api.AgentPolicySpec;
import com.xonovex.agentoperator.api.AgentType;
import com.xonovex.agentoperator.api.EgressMode;
import com.xonovex.agentoperator.api.EgressPolicy;
import com.xonovex.agentoperator.api.Phase;
import com.xonovex.agentoperator.support.FakeMessagesApi;
import com.xonovex.agentoperator.workload.ChildNames;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;

/**
 * The run's egress NetworkPolicy enforced for real: the real node runs kube-network-policies beside the bridge CNI
 * plugin (real-node.sh), and the real claude CLI in a run's pod, under an AgentPolicy with Restricted egress, is
 * scripted by the fake Messages API to run {@code curl} against another pod of the cluster (lateral movement, or
 * exfiltration to a host the policy does not name). Where the policy's allowCIDRs allow that pod, the request arrives
 * and the agent gets the answer; where they do not, the connection times out and the server sees nothing. Both runs
 * still clone from the git server and talk to the fake API, their own endpoints (literal addresses, which the policy
 * allows exactly).
 *
 * <p>What the policy cannot close: the node the pod runs on. NetworkPolicy's own definition always allows traffic
 * between a pod and its node, and kube-network-policies filters in the postrouting hook, which traffic to the node's
 * own addresses never passes. The denied run also calls a server on the node's address, on a port that is none of its
 * endpoints, and reaches it; the README says so (if that ever changes, this test says so too).
 */
class EgressPolicyIT extends RealNodeTest {
    private static final int TARGET_PORT = 8080;

    @Test
    void underRestrictedEgressTheAgentReachesAHostThePolicyAllowsAndNotOneItDoesNot() throws Exception {
        var target = targetServer();
        var targetIp = target.getStatus().getPodIP();
        var targetNs = target.getMetadata().getNamespace();
        var allowedPath = "/allowed-" + UUID.randomUUID().toString().substring(0, 8);
        var deniedPath = "/denied-" + UUID.randomUUID().toString().substring(0, 8);
        var nodePath = "/node-" + UUID.randomUUID().toString().substring(0, 8);
        var nodeRequests = Collections.synchronizedList(new ArrayList<String>());
        var nodeServer = HttpServer.create(new InetSocketAddress(InetAddress.getByName(env().nodeIp), 0), 4);
        nodeServer.createContext("/", exchange -> {
            try (exchange) {
                nodeRequests.add(exchange.getRequestURI().getPath());
                var body = ("reached " + exchange.getRequestURI().getPath() + "\n").getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            }
        });
        nodeServer.start();
        servers.add(() -> nodeServer.stop(0));
        var nodeUrl = "http://" + env().nodeIp + ":" + nodeServer.getAddress().getPort() + nodePath;

        // the same run twice; the only difference is the namespace's AgentPolicy allowing the target's address
        var allowedNs = newNamespace("egress-allowed");
        restrictEgress(allowedNs, List.of(targetIp + "/32"));
        var allowedApi = curlingApi(curl("http://" + targetIp + ":" + TARGET_PORT + allowedPath));
        provider(allowedNs, PROVIDER, allowedApi, Map.of());
        var allowed = run(allowedNs, "reach-allowed", AgentType.CLAUDE, RealNodeEnvironment.REPOSITORY, "5m");

        var deniedNs = newNamespace("egress-denied");
        restrictEgress(deniedNs, List.of());
        var deniedApi = curlingApi(curl("http://" + targetIp + ":" + TARGET_PORT + deniedPath) + "; " + curl(nodeUrl));
        provider(deniedNs, PROVIDER, deniedApi, Map.of());
        var denied = run(deniedNs, "reach-denied", AgentType.CLAUDE, RealNodeEnvironment.REPOSITORY, "5m");

        var allowedDone = awaitTerminal(allowedNs, "reach-allowed", Duration.ofMinutes(5));
        var deniedDone = awaitTerminal(deniedNs, "reach-denied", Duration.ofMinutes(5));

        // each run's pod was under its own NetworkPolicy
        for (var run : List.of(allowed, denied)) {
            var policy = client().network().v1().networkPolicies().inNamespace(run.getMetadata().getNamespace())
                    .withName(ChildNames.networkPolicy(run)).get();
            assertThat(policy).as("NetworkPolicy of %s", run.getMetadata().getName()).isNotNull();
        }

        // allowed: the request reached the target, and the agent got its answer
        assertThat(allowedDone.getStatus().getPhase()).as("phase%s", describe(allowedNs, allowedDone))
                .isEqualTo(Phase.SUCCEEDED);
        assertThat(allowedApi.toolResultTexts()).as("the Bash tool's result sent back to the API")
                .anySatisfy(t -> assertThat(t).contains("reached " + allowedPath));
        assertThat(log(targetNs, target.getMetadata().getName(), "server")).contains("request " + allowedPath);

        // denied: the run did its work with its own endpoints (clone, API), but its connection to the target timed out
        // (dropped, not refused: curl's 28) and the target never saw the request
        assertThat(deniedDone.getStatus().getPhase()).as("phase%s", describe(deniedNs, deniedDone))
                .isEqualTo(Phase.SUCCEEDED);
        assertThat(log(deniedNs, deniedDone.getStatus().getPodName(), "git-clone")).contains("git-clone: done");
        assertThat(deniedApi.toolResultTexts()).as("the Bash tool's result sent back to the API").isNotEmpty()
                .allSatisfy(t -> assertThat(t).contains("curl: (28)").doesNotContain("reached " + deniedPath));
        assertThat(log(targetNs, target.getMetadata().getName(), "server")).doesNotContain(deniedPath);

        // the node's own address stays reachable, on any port (see the class comment)
        assertThat(nodeRequests).as("requests from the denied run to the node's address").contains(nodePath);
        assertThat(deniedApi.toolResultTexts()).anySatisfy(t -> assertThat(t).contains("reached " + nodePath));
    }

    /** The namespace's AgentPolicy: egress Restricted, with these allowCIDRs. */
    private void restrictEgress(String ns, List<String> allowCIDRs) {
        var egress = new EgressPolicy();
        egress.setMode(EgressMode.RESTRICTED);
        if (!allowCIDRs.isEmpty()) {
            egress.setAllowCIDRs(allowCIDRs);
        }
        var spec = new AgentPolicySpec();
        spec.setEgress(egress);
        var policy = new AgentPolicy();
        policy.getMetadata().setName(AgentPolicy.NAME);
        policy.getMetadata().setNamespace(ns);
        policy.setSpec(spec);
        client().resource(policy).create();
    }

    /** A fake API whose scripted turn has claude run this shell command with its Bash tool. */
    private FakeMessagesApi curlingApi(String command) throws Exception {
        return fakeApi(AgentType.CLAUDE, "unused\n").useTool("Bash",
                Map.of("command", command, "description", "Fetch the URLs"));
    }

    /** curl URL, 5 s to connect: a dropped connection ends with curl's error 28, a refused one with 7. */
    private static String curl(String url) {
        return "curl -sS --connect-timeout 5 -m 10 " + url;
    }

    /**
     * A pod in a namespace of its own (no NetworkPolicy selects it) serving HTTP on port 8080 with the runner image's
     * Node.js; it logs each request's path and answers "reached PATH". Returned once it listens.
     */
    private Pod targetServer() throws Exception {
        var ns = newNamespace("egress-target");
        var script = "require('http').createServer((q, s) => { console.log('request ' + q.url + ' from '"
                + " + q.socket.remoteAddress); s.end('reached ' + q.url + '\\n'); })"
                + ".listen(" + TARGET_PORT + ", () => console.log('listening'));";
        var pod = new PodBuilder().withNewMetadata().withName("target").withNamespace(ns).addToLabels("app", "target")
                .endMetadata().withNewSpec()
                .withNewSecurityContext().withRunAsNonRoot(true).withRunAsUser(1000L).withNewSeccompProfile()
                .withType("RuntimeDefault").endSeccompProfile().endSecurityContext()
                .addNewContainer().withName("server").withImage(env().runnerImage).withImagePullPolicy("Never")
                .withCommand("node", "-e", script)
                .withNewSecurityContext().withAllowPrivilegeEscalation(false).withNewCapabilities().withDrop("ALL")
                .endCapabilities().endSecurityContext()
                .endContainer().endSpec().build();
        client().resource(pod).create();
        await(Duration.ofMinutes(2), "the target server listening", () -> {
            var p = client().pods().inNamespace(ns).withName("target").get();
            if (p == null || p.getStatus() == null || p.getStatus().getPodIP() == null
                    || !"Running".equals(p.getStatus().getPhase())) {
                return false;
            }
            return log(ns, "target", "server").contains("listening");
        });
        return client().pods().inNamespace(ns).withName("target").get();
    }
}
