# mediad — build, test, run, install.
#   make test      installs missing apt packages, builds, runs every test
#   make run       the real mediad in the foreground on ./var/mediad.db, audit mode
#   make hub       the real mediahub in the foreground on a throwaway PostgreSQL cluster in ./var/hub
#   make install   installs binaries, unit, config and man pages (DESTDIR and PREFIX honoured)

PREFIX  ?= /usr/local
DESTDIR ?=
SWIFT   ?= swift
BIN      = .build/debug
UNITDIR ?= $(PREFIX)/lib/systemd/system
# What `make install` installs from: the release build, unless INSTALL_FROM names another (tests).
INSTALL_FROM ?= .build/release
# Release builds link the Swift runtime and Foundation into the binaries: the idle daemon's VmRSS
# drops from 29.0 to 22.5 MiB (bench/findings.md, section 5), and the installed binaries no longer
# depend on the toolchain's shared libraries. One flag for every release product, because SwiftPM
# rebuilds a whole scratch path when the flag changes between products.
# The linker also lays out first the functions the daemon runs (link/mediad.order, made by
# bench/make-order.sh), each compiled into a section of its own so that it can be moved alone: the
# kernel maps a binary's pages 64 KiB around each one touched, so code run together should sit
# together. The idle daemon's VmRSS drops by about a quarter (bench/findings.md, section 5). The
# guard's functions end with the marker mediad_guard_code_end; what lies after it (the unit's code,
# rarer requests) mediad gives back once that work is done (MediadCore/Runtime/IdleMemory.swift).
RELEASE_FLAGS ?= -c release --static-swift-stdlib -Xswiftc -Xfrontend -Xswiftc -function-sections \
                 -Xcc -ffunction-sections -Xlinker --symbol-ordering-file=$(CURDIR)/link/mediad.order \
                 -Xlinker --no-warn-symbol-ordering
GROUPS   = mediad mediad-admin mediad-officer mediad-auditor mediad-sync

# systemd: journald and journalctl for test_journal, systemd-analyze for test_systemd (a container
# may lack them); usbguard: the unit test_systemd scores mediad's hardening against; auditd: the
# private audit daemon and ausearch of test_kernel_audit. Without them those tests are skipped, and
# the integration summary names them.
APT_PACKAGES = libudev-dev libsqlite3-dev pkg-config sqlite3 util-linux iproute2 \
               umockdev libumockdev-dev gir1.2-umockdev-1.0 python3-gi usbguard systemd \
               chromium fonts-noto-cjk poppler-utils python3-pil \
               postgresql openssl python3-cryptography auditd

.PHONY: all deps build release test unit-test integration-test run hub demo clean install uninstall bench fuzz

all: build

# Install what is missing, once; retry once if dpkg's lock is held by another apt run.
deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" != 0 ]; then echo "run as root (or install:$$missing)"; exit 1; fi; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  (apt-get update -qq && apt-get install -y -qq $$missing) || \
	  (sleep 10; apt-get update -qq && apt-get install -y -qq $$missing); \
	fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build $(RELEASE_FLAGS)

test: deps
	$(SWIFT) build --build-tests
	SWIFT=$(SWIFT) scripts/swift-tests.sh
	$(BIN)/mediad-fuzz smoke --mutations $(FUZZ_SMOKE_MUTATIONS)
	@if [ -x tests/integration/run.sh ]; then MEDIAD_BIN=$(BIN)/mediad MEDIACTL_BIN=$(BIN)/mediactl tests/integration/run.sh; fi

# Fuzzing (fuzz/run.sh): every decoder of outside bytes under libFuzzer for FUZZ_SECONDS each, built
# in .build-fuzz; FUZZ_TARGETS narrows it. `make test` runs the smoke instead: the same harnesses in
# the ordinary build, on the seed corpus and FUZZ_SMOKE_MUTATIONS fixed-seed mutations of it.
FUZZ_SECONDS ?= 60
FUZZ_SMOKE_MUTATIONS ?= 2000
fuzz: deps
	SWIFT=$(SWIFT) FUZZ_SECONDS=$(FUZZ_SECONDS) fuzz/run.sh

unit-test: deps
	$(SWIFT) build --build-tests
	SWIFT=$(SWIFT) scripts/swift-tests.sh

integration-test: build
	MEDIAD_BIN=$(BIN)/mediad MEDIACTL_BIN=$(BIN)/mediactl tests/integration/run.sh

# A developer's run: audit mode and no lockdown, so stopping it never leaves this machine's own
# USB ports closed; the ledger and socket stay under ./var.
run: build
	@mkdir -p var
	@printf '%s\n' '# written by make run' 'database = var/mediad.db' 'socket = var/mediad.sock' \
	  'mode = audit' 'lockdown = no' > var/mediad.conf
	$(BIN)/mediad --config var/mediad.conf

# The unit's hub on this machine: a PostgreSQL cluster made in ./var/hub (initdb as the postgres user,
# a Unix socket only), a self-signed certificate for 127.0.0.1, mediahub in the foreground with its
# socket at ./var/hub/mediahub.sock (mediactl --hub --socket var/hub/mediahub.sock …). Ctrl-C stops
# mediahub, then the server. The cluster stays for the next run; `make clean` removes it.
hub: build
	@scripts/hub.sh

# The administrator's story on fake USB hardware (umockdev). DEMO_LANG=en for English.
demo: build
	tests/integration/demo.sh

clean:
	rm -rf .build var

install: $(if $(filter .build/release,$(INSTALL_FROM)),release)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(UNITDIR) $(DESTDIR)/etc/mediad \
	  $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/man5 $(DESTDIR)$(PREFIX)/share/man/man8 \
	  $(DESTDIR)$(PREFIX)/share/bash-completion/completions $(DESTDIR)$(PREFIX)/share/zsh/site-functions \
	  $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
	install -m 0755 $(INSTALL_FROM)/mediad $(DESTDIR)$(PREFIX)/bin/mediad
	install -m 0755 $(INSTALL_FROM)/mediactl $(DESTDIR)$(PREFIX)/bin/mediactl
	install -m 0755 $(INSTALL_FROM)/mediahub $(DESTDIR)$(PREFIX)/bin/mediahub
	install -m 0755 $(INSTALL_FROM)/mediad-sync $(DESTDIR)$(PREFIX)/bin/mediad-sync
	for unit in mediad mediahub mediad-sync; do \
	  sed 's|@BINDIR@|$(PREFIX)/bin|' systemd/$$unit.service.in > $(DESTDIR)$(UNITDIR)/$$unit.service; \
	  chmod 0644 $(DESTDIR)$(UNITDIR)/$$unit.service; done
	install -m 0644 man/mediactl.1 $(DESTDIR)$(PREFIX)/share/man/man1/mediactl.1
	install -m 0644 man/mediad.conf.5 $(DESTDIR)$(PREFIX)/share/man/man5/mediad.conf.5
	install -m 0644 man/mediad.8 $(DESTDIR)$(PREFIX)/share/man/man8/mediad.8
	install -m 0644 man/mediahub.8 $(DESTDIR)$(PREFIX)/share/man/man8/mediahub.8
	install -m 0644 man/mediad-sync.8 $(DESTDIR)$(PREFIX)/share/man/man8/mediad-sync.8
	$(INSTALL_FROM)/mediactl --generate-completion-script bash > $(DESTDIR)$(PREFIX)/share/bash-completion/completions/mediactl
	$(INSTALL_FROM)/mediactl --generate-completion-script zsh > $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_mediactl
	$(INSTALL_FROM)/mediactl --generate-completion-script fish > $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/mediactl.fish
	@# An edited configuration is never overwritten.
	@for conf in mediad.conf mediahub.conf sync.conf; do \
	  if [ ! -f $(DESTDIR)/etc/mediad/$$conf ]; then install -m 0640 etc/$$conf $(DESTDIR)/etc/mediad/$$conf; \
	  else echo "kept the existing /etc/mediad/$$conf"; fi; done
	@# Groups only on the live system, not into a staging DESTDIR.
	@if [ -z "$(DESTDIR)" ]; then for g in $(GROUPS); do getent group $$g >/dev/null || groupadd --system $$g; done; \
	  for u in mediahub mediad-sync; do getent passwd $$u >/dev/null || useradd --system --no-create-home --shell /usr/sbin/nologin --user-group $$u; done; \
	  usermod -a -G mediad-sync mediad-sync 2>/dev/null || true; \
	  systemctl daemon-reload 2>/dev/null || true; \
	  echo "next: systemctl enable --now mediad; add people to the groups: $(GROUPS)"; fi

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/mediad $(DESTDIR)$(PREFIX)/bin/mediactl $(DESTDIR)$(UNITDIR)/mediad.service \
	  $(DESTDIR)$(PREFIX)/bin/mediahub $(DESTDIR)$(PREFIX)/bin/mediad-sync $(DESTDIR)$(UNITDIR)/mediahub.service \
	  $(DESTDIR)$(UNITDIR)/mediad-sync.service \
	  $(DESTDIR)$(PREFIX)/share/man/man1/mediactl.1 $(DESTDIR)$(PREFIX)/share/man/man5/mediad.conf.5 \
	  $(DESTDIR)$(PREFIX)/share/man/man8/mediad.8 $(DESTDIR)$(PREFIX)/share/bash-completion/completions/mediactl \
	  $(DESTDIR)$(PREFIX)/share/man/man8/mediahub.8 $(DESTDIR)$(PREFIX)/share/man/man8/mediad-sync.8 \
	  $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_mediactl $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/mediactl.fish
	@echo "left in place: /etc/mediad (configuration), /var/lib/mediad (the ledger) and the mediad groups"

# Benchmarks (as root): mediad against USBGuard under umockdev, decision latency, burst, reports,
# footprint, start-up; release builds in their own scratch path; writes BENCHMARKS.md. ~15 minutes.
# Then the unit (bench/run-unit.sh, ~10 minutes more): mediahub on a throwaway PostgreSQL cluster and
# 5,000 computers simulated by unit-bench; plain release builds (mediad's order file is not theirs).
bench: deps
	$(SWIFT) build $(RELEASE_FLAGS) --scratch-path .build-bench --product mediad
	$(SWIFT) build $(RELEASE_FLAGS) --scratch-path .build-bench --product mediactl
	$(SWIFT) build $(RELEASE_FLAGS) --scratch-path .build-bench --product mediad-bench
	for p in mediahub mediactl mediad-sync unit-bench; do \
	  $(SWIFT) build -c release --scratch-path .build-unitbench --product $$p || exit 1; done
	bench/run.sh
	bench/run-unit.sh
