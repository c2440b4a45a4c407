// Command kube-network-policies runs sigs.k8s.io/kube-network-policies' NetworkPolicy controller (nftables + NFQUEUE)
// on tier 4's real node, as a process on the host with a kubeconfig.
//
// Upstream's command (cmd/main.go of the module, which builds it as a DaemonSet's binary) only knows the in-cluster
// configuration: a ServiceAccount token at the fixed path /var/run/secrets/kubernetes.io/serviceaccount/. This is the
// same program with a -kubeconfig flag instead, without the AdminNetworkPolicy APIs (alpha CRDs the test bed does not
// install), and stopping on SIGTERM as well as SIGINT, so that real-node.sh down's SIGTERM lets the controller delete
// its nftables table. Everything that decides a packet's fate is the module's networkpolicy package, unchanged.
// NRI stays on, as upstream's main leaves it (its -disable-nri flag reaches no config): with it off, v0.8.0 calls a nil
// plugin for an address no pod has. containerd 1.6 has no NRI socket; the plugin says so once and the pods' addresses
// come from the API server.
//
//	kube-network-policies -kubeconfig FILE -hostname-override NODE [-nfqueue-id 100] [-metrics-bind-address ADDR] [-v 2]
package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
	"golang.org/x/sys/unix"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/component-base/logs"
	logsapi "k8s.io/component-base/logs/api/v1"
	nodeutil "k8s.io/component-helpers/node/util"
	"k8s.io/klog/v2"
	"sigs.k8s.io/kube-network-policies/pkg/networkpolicy"
)

func main() { os.Exit(run()) }

func run() int {
	kubeconfig := flag.String("kubeconfig", "", "kubeconfig of a user that may list and watch Pods, Namespaces and NetworkPolicies and create Events")
	hostnameOverride := flag.String("hostname-override", "", "the Node's name (default: the hostname)")
	queueID := flag.Int("nfqueue-id", 100, "number of the nfqueue used")
	failOpen := flag.Bool("fail-open", false, "if set, accept packets while the controller is not running")
	metricsBindAddress := flag.String("metrics-bind-address", "127.0.0.1:9080", "address of the metrics server")
	bug1766Fix := flag.Bool("netfilter-bug-1766-fix", true, "accept DNS (UDP 53) before the queue; not needed on kernels 6.12+")
	c := logsapi.NewLoggingConfiguration()
	logsapi.AddGoFlags(c, flag.CommandLine)
	flag.Parse()
	logs.InitLogs()
	if err := logsapi.ValidateAndApply(c, nil); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if *kubeconfig == "" {
		fmt.Fprintln(os.Stderr, "-kubeconfig is required")
		return 2
	}
	if _, _, err := net.SplitHostPort(*metricsBindAddress); err != nil {
		fmt.Fprintf(os.Stderr, "-metrics-bind-address: %v\n", err)
		return 2
	}

	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, unix.SIGTERM)
	defer cancel()
	logger := klog.FromContext(ctx)

	nodeName, err := nodeutil.GetHostname(*hostnameOverride)
	if err != nil {
		logger.Error(err, "node name")
		return 1
	}
	config, err := clientcmd.BuildConfigFromFlags("", *kubeconfig)
	if err != nil {
		logger.Error(err, "kubeconfig")
		return 1
	}
	config.AcceptContentTypes = "application/vnd.kubernetes.protobuf,application/json"
	config.ContentType = "application/vnd.kubernetes.protobuf"
	clientset, err := kubernetes.NewForConfig(config)
	if err != nil {
		logger.Error(err, "client")
		return 1
	}
	factory := informers.NewSharedInformerFactory(clientset, 0)

	http.Handle("/metrics", promhttp.Handler())
	go func() { utilruntime.HandleError(http.ListenAndServe(*metricsBindAddress, nil)) }()

	controller, err := networkpolicy.NewController(clientset,
		factory.Networking().V1().NetworkPolicies(), factory.Core().V1().Namespaces(), factory.Core().V1().Pods(),
		nil, nil, nil, nil,
		networkpolicy.Config{
			FailOpen:            *failOpen,
			QueueID:             *queueID,
			NodeName:            nodeName,
			NetfilterBug1766Fix: *bug1766Fix,
		})
	if err != nil {
		logger.Error(err, "cannot start the network policy controller")
		return 1
	}
	done := make(chan error, 1)
	go func() { done <- controller.Run(ctx) }()
	factory.Start(ctx.Done())

	select {
	case err := <-done: // it could not open its queue: nothing is enforced, so say so and stop
		logger.Error(err, "controller stopped")
		return 1
	case <-ctx.Done():
	}
	// Run deletes its nftables table when it returns
	select {
	case <-done:
	case <-time.After(5 * time.Second):
	}
	return 0
}
