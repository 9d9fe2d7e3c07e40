#!/bin/bash
# The compose stack's broker, closed like the local one (deploy/local/infra.js): SASL/SCRAM-SHA-512
# on every client listener, StandardAuthorizer ACLs, deny by default, no anonymous listener.
# Secrets come from the bus-credentials volume (/credentials/<principal>/password), generated
# there on first start by the bus-credentials service. Storage formatted without exactly these
# SCRAM users (an earlier, anonymous broker) is formatted again: its topics are dropped.
set -euo pipefail

KAFKA_HOME=${KAFKA_HOME:-/opt/kafka}
CREDENTIALS=${CREDENTIALS:-/credentials}
STATE=${STATE:-/var/lib/kafka}
DATA=$STATE/data
CONFIG=${CONFIG:-/tmp/bus}
PRINCIPALS=(basic-insurance critical-illness medical-assistance audit admin)

secret() { tr -d '\n' < "$CREDENTIALS/$1/password"; }
for p in "${PRINCIPALS[@]}" controller; do
  [ -s "$CREDENTIALS/$p/password" ] || { echo "no secret for $p in $CREDENTIALS" >&2; exit 1; }
done

mkdir -p "$CONFIG" && chmod 700 "$CONFIG"
umask 077
ADMIN=$(secret admin)
CONTROLLER=$(secret controller)
cat > "$CONFIG/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:9093
listeners=INTERNAL://0.0.0.0:9092,EXTERNAL://0.0.0.0:29092,CONTROLLER://127.0.0.1:9093
advertised.listeners=INTERNAL://kafka:9092,EXTERNAL://localhost:29092
controller.listener.names=CONTROLLER
listener.security.protocol.map=INTERNAL:SASL_PLAINTEXT,EXTERNAL:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT
inter.broker.listener.name=INTERNAL
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.internal.sasl.enabled.mechanisms=SCRAM-SHA-512
listener.name.internal.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$ADMIN";
listener.name.external.sasl.enabled.mechanisms=SCRAM-SHA-512
listener.name.external.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
sasl.mechanism.controller.protocol=PLAIN
listener.name.controller.sasl.enabled.mechanisms=PLAIN
listener.name.controller.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="controller" password="$CONTROLLER" user_controller="$CONTROLLER";
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:admin;User:controller
allow.everyone.if.no.acl.found=false
log.dirs=$DATA
num.partitions=6
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
auto.create.topics.enable=false
group.initial.rebalance.delay.ms=0
PROPS
# for the health check: the admin's client settings
cat > "$CONFIG/admin.properties" <<PROPS
security.protocol=SASL_PLAINTEXT
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$ADMIN";
PROPS

FINGERPRINT=$(for p in "${PRINCIPALS[@]}"; do printf '%s=%s\n' "$p" "$(secret "$p")"; done | sort | sha256sum | cut -d' ' -f1)
if [ "$(cat "$STATE/bus.fingerprint" 2>/dev/null || true)" != "$FINGERPRINT" ]; then
  if [ -n "$(find "$STATE" -name meta.properties -print -quit)" ]; then
    echo "the broker storage was formatted without these SCRAM users; formatting it again (its topics are dropped)" >&2
  fi
  find "$STATE" -mindepth 1 -delete
  mkdir -p "$DATA"
  SCRAM=()
  for p in "${PRINCIPALS[@]}"; do SCRAM+=(--add-scram "SCRAM-SHA-512=[name=$p,password=$(secret "$p")]"); done
  "$KAFKA_HOME/bin/kafka-storage.sh" format -t "$("$KAFKA_HOME/bin/kafka-storage.sh" random-uuid)" -c "$CONFIG/server.properties" "${SCRAM[@]}"
  echo "$FINGERPRINT" > "$STATE/bus.fingerprint"
fi
exec "$KAFKA_HOME/bin/kafka-server-start.sh" "$CONFIG/server.properties"
