// Command svc-proxy is a SOCKS5 proxy that resolves cluster Service names (NAME.NAMESPACE.svc, optionally followed by
// .cluster.local) to the Service's ClusterIP through the Kubernetes API, and dials everything else as given.
//
// OLM's catalog operator reaches a catalog's registry pod at NAME.NAMESPACE.svc:50051, which only cluster DNS knows.
// The test bed runs the catalog operator as a process outside the cluster and has no cluster DNS, so it runs it with
// GRPC_PROXY=socks5://ADDR, the way OLM supports a catalog operator that runs outside the cluster it manages (the
// proxy, not the client, resolves the name). kube-proxy then takes the connection to the ClusterIP to the pod.
//
//	svc-proxy -kubeconfig FILE -listen 127.0.0.1:1080
package main

import (
	"context"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"regexp"
	"strconv"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
)

var serviceName = regexp.MustCompile(`^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.svc(\.cluster\.local)?\.?$`)

func main() {
	kubeconfig := flag.String("kubeconfig", "", "kubeconfig of the cluster whose Services to resolve")
	listen := flag.String("listen", "127.0.0.1:1080", "address to listen on")
	flag.Parse()
	config, err := clientcmd.BuildConfigFromFlags("", *kubeconfig)
	if err != nil {
		log.Fatalf("svc-proxy: %v", err)
	}
	client, err := kubernetes.NewForConfig(config)
	if err != nil {
		log.Fatalf("svc-proxy: %v", err)
	}
	listener, err := net.Listen("tcp", *listen)
	if err != nil {
		log.Fatalf("svc-proxy: %v", err)
	}
	log.Printf("svc-proxy: listening on %s", listener.Addr())
	for {
		conn, err := listener.Accept()
		if err != nil {
			log.Fatalf("svc-proxy: %v", err)
		}
		go serve(conn, client)
	}
}

func serve(conn net.Conn, client kubernetes.Interface) {
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(30 * time.Second))
	host, port, err := handshake(conn)
	if err != nil {
		log.Printf("svc-proxy: %s: %v", conn.RemoteAddr(), err)
		return
	}
	address, err := resolve(client, host)
	if err != nil {
		log.Printf("svc-proxy: %s: %v", host, err)
		reply(conn, 4) // host unreachable
		return
	}
	target, err := net.DialTimeout("tcp", net.JoinHostPort(address, strconv.Itoa(port)), 10*time.Second)
	if err != nil {
		log.Printf("svc-proxy: %s (%s): %v", host, address, err)
		reply(conn, 5) // connection refused
		return
	}
	defer target.Close()
	if err := reply(conn, 0); err != nil {
		return
	}
	_ = conn.SetDeadline(time.Time{})
	done := make(chan struct{}, 2)
	go func() { _, _ = io.Copy(target, conn); closeWrite(target); done <- struct{}{} }()
	go func() { _, _ = io.Copy(conn, target); closeWrite(conn); done <- struct{}{} }()
	<-done
	<-done
}

// handshake reads a SOCKS5 greeting (no authentication) and a CONNECT request (RFC 1928); it returns the destination.
func handshake(conn net.Conn) (string, int, error) {
	head := make([]byte, 2)
	if _, err := io.ReadFull(conn, head); err != nil {
		return "", 0, err
	}
	if head[0] != 5 {
		return "", 0, fmt.Errorf("not SOCKS5 (version %d)", head[0])
	}
	methods := make([]byte, head[1])
	if _, err := io.ReadFull(conn, methods); err != nil {
		return "", 0, err
	}
	if _, err := conn.Write([]byte{5, 0}); err != nil {
		return "", 0, err
	}
	request := make([]byte, 4)
	if _, err := io.ReadFull(conn, request); err != nil {
		return "", 0, err
	}
	if request[1] != 1 {
		reply(conn, 7) // command not supported
		return "", 0, fmt.Errorf("command %d is not CONNECT", request[1])
	}
	var host string
	switch request[3] {
	case 1, 4: // IPv4, IPv6
		ip := make([]byte, map[byte]int{1: 4, 4: 16}[request[3]])
		if _, err := io.ReadFull(conn, ip); err != nil {
			return "", 0, err
		}
		host = net.IP(ip).String()
	case 3: // a name
		n := make([]byte, 1)
		if _, err := io.ReadFull(conn, n); err != nil {
			return "", 0, err
		}
		name := make([]byte, n[0])
		if _, err := io.ReadFull(conn, name); err != nil {
			return "", 0, err
		}
		host = string(name)
	default:
		reply(conn, 8) // address type not supported
		return "", 0, fmt.Errorf("address type %d", request[3])
	}
	port := make([]byte, 2)
	if _, err := io.ReadFull(conn, port); err != nil {
		return "", 0, err
	}
	return host, int(binary.BigEndian.Uint16(port)), nil
}

// resolve: a Service name to its ClusterIP; anything else unchanged (an IP, or a name for the system resolver).
func resolve(client kubernetes.Interface, host string) (string, error) {
	m := serviceName.FindStringSubmatch(host)
	if m == nil {
		return host, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	svc, err := client.CoreV1().Services(m[3]).Get(ctx, m[1], metav1.GetOptions{})
	if err != nil {
		return "", err
	}
	if ip := svc.Spec.ClusterIP; ip != "" && ip != "None" {
		return ip, nil
	}
	return "", errors.New("the Service has no ClusterIP")
}

func reply(conn net.Conn, code byte) error {
	_, err := conn.Write([]byte{5, code, 0, 1, 0, 0, 0, 0, 0, 0})
	return err
}

func closeWrite(conn net.Conn) {
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.CloseWrite()
	} else {
		_ = conn.Close()
	}
}
