#!/usr/bin/env bash
# Builds the operator image, zeromesh/operator:<version>, as the archive operator/target/jib-image.tar,
# with no registry and no Docker engine:
#   1. the shared JRE base image (broker-image/image/build-base.sh: jlink'd JRE 17 at /opt/java,
#      its libraries, user nonroot 65532; cached under ~/.cache/zeromesh/base);
#   2. the operator's Quarkus fast-jar (`mvn -pl operator package`, operator/target/quarkus-app);
#   3. Jib (operator/image/pom.xml) puts the fast-jar at /deployments on that base, user 65532,
#      entrypoint `java -jar /deployments/quarkus-run.jar`, and writes a docker-archive tarball
#      that `ctr images import` and `kind load image-archive` accept.
#
# The image is tagged zeromesh/operator:$ZEROMESH_IMAGE_TAG (the unique tag of the sources that
# broker-image/broker.mk computes for `make operator-image`) and also :$ZEROMESH_VERSION; without
# ZEROMESH_IMAGE_TAG, only with the pom's zeromesh/operator:<version>. The reference goes to
# operator/target/jib-image.ref, where the e2e suite reads what to install.
#
# Usage: operator/image/build-image.sh
#   MVN                              Maven command (default: mvn -B -ntp)
#   ZEROMESH_IMAGE_TAG, ZEROMESH_VERSION  set by make (broker-image/broker.mk)
#   ZEROMESH_SKIP_OPERATOR_PACKAGE=1 use operator/target/quarkus-app as it is (the caller just built it)
set -euo pipefail
cd "$(dirname "$0")/../.."

MVN=${MVN:-mvn -B -ntp}
ARCHIVE=operator/target/jib-image.tar
REF=operator/target/jib-image.ref
APP=operator/target/quarkus-app

die() { echo "build-image: $*" >&2; exit 1; }

base=$(broker-image/image/build-base.sh | tail -1)
[ -s "$base" ] || die "the base image build printed no archive path (got '$base')"
echo "build-image: base $base"

if [ "${ZEROMESH_SKIP_OPERATOR_PACKAGE:-}" != 1 ]; then
  # maven.test.skip: the image needs no test classes (nor compiling them)
  $MVN -pl operator package -Dmaven.test.skip=true
fi
[ -f "$APP/quarkus-run.jar" ] || die "no $APP/quarkus-run.jar: \`mvn -pl operator package\` did not produce a fast-jar"

# Jib containerizes a Java project; this one has no classes of its own (the image holds only the
# fast-jar, as extra files), but Jib requires the directory to exist.
mkdir -p operator/image/target/classes
rm -f "$ARCHIVE" "$REF"
tag_args=()
if [ -n "${ZEROMESH_IMAGE_TAG:-}" ]; then
  [ -n "${ZEROMESH_VERSION:-}" ] || die "ZEROMESH_IMAGE_TAG is set but ZEROMESH_VERSION is not"
  tag_args=("-Dzeromesh.operator.image=zeromesh/operator:$ZEROMESH_IMAGE_TAG" "-Djib.to.tags=$ZEROMESH_VERSION")
fi
$MVN -f operator/image/pom.xml jib:buildTar "-Dzeromesh.base.image=tar://$base" "${tag_args[@]}"
[ -s "$ARCHIVE" ] || die "Jib wrote no $ARCHIVE"

# The archive must be what a pod gets: a docker archive naming the image, user 65532, the fast-jar.
manifest=$(tar -xOf "$ARCHIVE" manifest.json) || die "$ARCHIVE is not a docker archive (no manifest.json)"
echo "$manifest" | grep -q '"zeromesh/operator:' || die "$ARCHIVE does not name zeromesh/operator: $manifest"
config=$(echo "$manifest" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["Config"])')
tar -xOf "$ARCHIVE" "$config" | /usr/bin/python3 -c '
import json, sys
c = json.load(sys.stdin)["config"]
assert c.get("User") == "65532:65532", "user is %r, not 65532:65532" % c.get("User")
ep = c.get("Entrypoint") or []
assert ep[:1] == ["/opt/java/bin/java"] and ep[-2:] == ["-jar", "/deployments/quarkus-run.jar"], "entrypoint %r" % ep
' || die "unexpected image config in $ARCHIVE"
# The unique reference when one was asked for (it must be in the archive), else the archive's one.
ref=$(echo "$manifest" | /usr/bin/python3 -c '
import json, sys
tags, want = json.load(sys.stdin)[0]["RepoTags"], sys.argv[1]
print(want if want in tags else "" if want else tags[0])
' "${ZEROMESH_IMAGE_TAG:+zeromesh/operator:$ZEROMESH_IMAGE_TAG}")
[ -n "$ref" ] || die "$ARCHIVE does not name zeromesh/operator:${ZEROMESH_IMAGE_TAG:-}: $manifest"
echo "$ref" >"$REF"
echo "build-image: $ARCHIVE ($(du -h "$ARCHIVE" | cut -f1)), $ref (in $REF)"
