#!/usr/bin/env bash
# The real node's volume provisioner, like Rancher's local-path-provisioner: for each Pending claim of the StorageClass
# "local-path" that the scheduler has given a node (WaitForFirstConsumer: annotation volume.kubernetes.io/selected-node,
# so the scheduler waits for the volume instead of parking the pod as unschedulable) it makes a directory under ROOT, mode 0777 (a hostPath volume gets no fsGroup ownership change, and the
# agent pods run as uid 1000), and a PersistentVolume bound to the claim on NODE; Released volumes and their
# directories are deleted. The controller manager's own hostPath provisioner makes 0750 root:root directories under
# /tmp/hostpath_pv, which uid 1000 cannot write.
#   local-path-provisioner.sh KUBECTL KUBECONFIG ROOT NODE      (polls every second until killed)
set -uo pipefail
kubectl=$1 kubeconfig=$2 root=$3 node=$4
k() { "$kubectl" --kubeconfig="$kubeconfig" "$@"; }
mkdir -p "$root"
log() { echo "$(date +%T) $*"; }

while :; do
  k get pvc -A -o jsonpath='{range .items[?(@.status.phase=="Pending")]}{.metadata.namespace} {.metadata.name} {.metadata.uid} {.spec.resources.requests.storage} {.spec.storageClassName} {.metadata.annotations.volume\.kubernetes\.io/selected-node} {.spec.volumeName}{"\n"}{end}' 2>/dev/null |
    while read -r ns name uid size class selected volume; do
      [[ $class == local-path && $selected == "$node" && -z $volume ]] || continue
      dir=$root/pvc-$uid
      mkdir -p "$dir" && chmod 0777 "$dir"
      k create -f - >/dev/null <<YAML && log "provisioned $ns/$name at $dir"
apiVersion: v1
kind: PersistentVolume
metadata:
  name: pvc-$uid
  labels: {agent.xonovex.com/test-bed-local-path: "true"}
  annotations: {pv.kubernetes.io/provisioned-by: agent.xonovex.com/test-bed-local-path}
spec:
  capacity: {storage: $size}
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: Retain
  storageClassName: local-path
  claimRef: {namespace: $ns, name: $name, uid: $uid}
  hostPath: {path: $dir, type: Directory}
  nodeAffinity:
    required:
      nodeSelectorTerms: [{matchExpressions: [{key: kubernetes.io/hostname, operator: In, values: [$node]}]}]
YAML
    done
  k get pv -l agent.xonovex.com/test-bed-local-path=true -o jsonpath='{range .items[?(@.status.phase=="Released")]}{.metadata.name}{"\n"}{end}' 2>/dev/null |
    while read -r pv; do
      [[ -n $pv ]] || continue
      rm -rf "${root:?}/$pv" && k delete pv "$pv" --wait=false >/dev/null && log "deleted $pv"
    done
  sleep 1
done
