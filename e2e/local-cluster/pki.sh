#!/usr/bin/env bash
# Certificates and kubeconfigs of the local cluster, made with openssl under $PKI_DIR and
# $CONF_DIR. Kept between runs; made anew when missing, when the node address changed, or when a
# certificate expires within a day.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/lib.sh"

DAYS=365

key() { openssl genrsa -out "$PKI_DIR/$1.key" 2048 2>/dev/null; chmod 600 "$PKI_DIR/$1.key"; }

# cert NAME SUBJECT EXTENDED_KEY_USAGE [SUBJECT_ALT_NAMES]: a key and a certificate signed by the CA.
cert() {
  local name="$1" subject="$2" usage="$3" san="${4:-}" ext
  key "$name"
  ext="$(mktemp)"
  {
    echo "basicConstraints=critical,CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    echo "extendedKeyUsage=$usage"
    [ -n "$san" ] && echo "subjectAltName=$san"
  } > "$ext"
  openssl req -new -key "$PKI_DIR/$name.key" -subj "$subject" -out "$PKI_DIR/$name.csr" 2>/dev/null
  openssl x509 -req -in "$PKI_DIR/$name.csr" -CA "$PKI_DIR/ca.crt" -CAkey "$PKI_DIR/ca.key" \
    -CAcreateserial -days "$DAYS" -sha256 -extfile "$ext" -out "$PKI_DIR/$name.crt" 2>/dev/null
  rm -f "$ext" "$PKI_DIR/$name.csr"
}

# kubeconfig FILE USER EMBED: a kubeconfig for the cert pair USER; EMBED=true copies the data in
# (for the admin kubeconfig handed to users), else it names the files.
kubeconfig() {
  local file="$1" user="$2" embed="$3" tmp="$1.tmp"
  rm -f "$tmp"
  kubectl config --kubeconfig "$tmp" set-cluster zeromesh-local --server "$APISERVER_URL" \
    --certificate-authority "$PKI_DIR/ca.crt" --embed-certs="$embed" >/dev/null
  kubectl config --kubeconfig "$tmp" set-credentials "$user" \
    --client-certificate "$PKI_DIR/$user.crt" --client-key "$PKI_DIR/$user.key" --embed-certs="$embed" >/dev/null
  kubectl config --kubeconfig "$tmp" set-context zeromesh-local --cluster zeromesh-local --user "$user" >/dev/null
  kubectl config --kubeconfig "$tmp" use-context zeromesh-local >/dev/null
  chmod 600 "$tmp"
  mv "$tmp" "$file"
}

pki_current() {
  [ -f "$PKI_DIR/.node-ip" ] && [ "$(cat "$PKI_DIR/.node-ip")" = "$NODE_IP" ] || return 1
  local c
  for c in ca apiserver apiserver-kubelet-client admin kube-controller-manager kube-scheduler \
    kubelet-client kubelet-serving kube-proxy dns-watcher front-proxy-client; do
    openssl x509 -checkend 86400 -noout -in "$PKI_DIR/$c.crt" >/dev/null 2>&1 || return 1
  done
  [ -f "$PKI_DIR/sa.key" ] && [ -f "$PKI_DIR/sa.pub" ]
}

make_pki() {
  log "generating certificates for $NODE_IP in $PKI_DIR"
  rm -rf "$PKI_DIR"
  mkdir -p "$PKI_DIR"
  chmod 700 "$PKI_DIR"
  key ca
  openssl req -x509 -new -key "$PKI_DIR/ca.key" -subj "/CN=zeromesh-local-ca" -days "$DAYS" -sha256 \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" \
    -out "$PKI_DIR/ca.crt" 2>/dev/null
  cert apiserver "/CN=kube-apiserver" serverAuth \
    "IP:$NODE_IP,IP:$KUBERNETES_SVC_IP,IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.$CLUSTER_DOMAIN"
  cert apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client" clientAuth
  cert admin "/O=system:masters/CN=zeromesh-admin" clientAuth
  cert kube-controller-manager "/CN=system:kube-controller-manager" clientAuth
  cert kube-scheduler "/CN=system:kube-scheduler" clientAuth
  cert kubelet-client "/O=system:nodes/CN=system:node:$NODE_NAME" clientAuth
  cert kubelet-serving "/CN=$NODE_NAME" serverAuth "IP:$NODE_IP,DNS:$NODE_NAME"
  cert kube-proxy "/CN=system:kube-proxy" clientAuth
  cert dns-watcher "/CN=zeromesh:dns-watcher" clientAuth
  # The API server's identity towards aggregated API servers (and what controller-manager and
  # scheduler read as the request-header CA).
  cert front-proxy-client "/CN=front-proxy-client" clientAuth
  # Service-account token signing pair.
  key sa
  openssl rsa -in "$PKI_DIR/sa.key" -pubout -out "$PKI_DIR/sa.pub" 2>/dev/null
  echo "$NODE_IP" > "$PKI_DIR/.node-ip"
}

main() {
  pki_current || make_pki
  mkdir -p "$CONF_DIR" "$(dirname "$KUBECONFIG_OUT")"
  kubeconfig "$CONF_DIR/kube-controller-manager.kubeconfig" kube-controller-manager false
  kubeconfig "$CONF_DIR/kube-scheduler.kubeconfig" kube-scheduler false
  kubeconfig "$CONF_DIR/kubelet.kubeconfig" kubelet-client false
  kubeconfig "$CONF_DIR/kube-proxy.kubeconfig" kube-proxy false
  kubeconfig "$KUBECONFIG_OUT" admin true
}

main
