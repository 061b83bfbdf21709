IMAGE ?= customized-lb:latest
# Base of the image: the public Temurin JRE; `make build BASE_IMAGE=local` builds one here without a registry.
BASE_IMAGE ?= eclipse-temurin:17-jre
COMPOSE ?= $(shell docker compose version > /dev/null 2>&1 && echo "docker compose" || echo docker-compose)
OWNER ?= lb

export IMAGE BASE_IMAGE

.PHONY: help jar build up down logs cluster-up cluster-down test analysis clean

help: ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{ printf "  %-9s %s\n", $$1, $$2 }'

jar: ## build the balancer and load test jars
	mvn -B -q package -DskipTests

build: jar ## build the jar and the Docker image
	docker/build-image.sh

up: build ## start the balancer and its 3 replica containers on net1 (port 5000)
	$(COMPOSE) up -d --no-build

down: ## stop everything; the balancer removes its replicas, and any left by a crash are removed here
	$(COMPOSE) down
	@ids=$$(docker ps -aq --filter label=dev.lb.owner=$(OWNER)); [ -z "$$ids" ] || docker rm -f $$ids > /dev/null

logs: ## follow the balancer's log
	$(COMPOSE) logs -f lb

cluster-up: build ## start two clustered balancers (ports 5000 and 5001) sharing 3 replica containers on net1
	$(COMPOSE) -f docker-compose.cluster.yml up -d --no-build

cluster-down: ## stop the cluster: the last balancer removes the replicas; any left by a crash are removed here
	$(COMPOSE) -f docker-compose.cluster.yml down
	@ids=$$(docker ps -aq --filter label=dev.lb.owner=$(OWNER)); [ -z "$$ids" ] || docker rm -f $$ids > /dev/null

test: ## run every test (what CI runs)
	mvn -B verify

analysis: jar ## run the load test and write loadtest/results/REPORT.md (about 7 minutes)
	java -jar loadtest/target/loadtest.jar all

clean: down ## remove build output and the image
	mvn -B -q clean
	-docker image rm $(IMAGE)
