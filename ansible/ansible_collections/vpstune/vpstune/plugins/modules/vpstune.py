#!/usr/bin/python
# -*- coding: utf-8 -*-
# SPDX-License-Identifier: MIT
"""Ansible module around the vpstune command line (plan, apply, verify,
rollback, generate). vpstune does the work and keeps the journal; this
module only decides what to call, and in check mode calls nothing that
writes: plan and generate into a temporary directory."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: vpstune
short_description: Apply, verify or roll back a vpstune tuning profile
version_added: "0.1.0"
description:
  - Runs C(vpstune plan) to learn what would change, then C(vpstune apply)
    (journaled, undone by C(vpstune rollback)), C(vpstune verify) or
    C(vpstune rollback).
  - In check mode only C(vpstune plan) and C(vpstune generate) into a
    temporary directory run; nothing on the machine is written.
  - The diff lists every knob that would change as C(knob=value) lines.
options:
  profile:
    description: Profile name (built-in or installed) or path of a profile file.
    type: str
    default: vps-dev
  state:
    description:
      - C(applied) makes the plan true, C(verified) fails when a tuning is
        not in effect, C(rolled_back) undoes the newest applied transaction.
    type: str
    choices: [applied, verified, rolled_back]
    default: applied
  only:
    description: Groups (C(sysctl)) or knob IDs (C(sysctl:vm.swappiness)) to act on.
    type: list
    elements: str
    default: []
  skip:
    description: Groups or knob IDs to leave alone.
    type: list
    elements: str
    default: []
  persist_targets:
    description:
      - C(vpstune generate) targets to install, each at its standard path
        (see I(persist_dir)); a file is rewritten only when more than its
        header changed.
    type: list
    elements: str
    choices: [sysctl, udev, zram, systemd, tuned, nixos]
    default: []
  persist_dir:
    description:
      - Install the persistent files under this directory instead of their
        system paths (staging, tests).
    type: path
  snapshot_before:
    description: Take a btrfs snapshot (C(vpstune snapshot --pre)) before applying changes.
    type: bool
    default: false
  allow_risky:
    description: Pass C(--allow-risky) to apply (sysctls and sysfs outside the tuning areas).
    type: bool
    default: false
  executable:
    description: The vpstune binary.
    type: path
    default: vpstune
  state_dir:
    description: vpstune's journal directory (C(--state-dir)).
    type: path
  root:
    description: Act on a captured or mounted root (C(--root)); the live machine when unset.
    type: path
author:
  - vpstune developers
"""

EXAMPLES = r"""
- name: Apply the default profile and persist it through sysctl.d and udev
  vpstune.vpstune.vpstune:
    profile: vps-dev
    state: applied
    persist_targets: [sysctl, udev]

- name: Fail when a tuning drifted
  vpstune.vpstune.vpstune:
    state: verified

- name: Undo the last apply
  vpstune.vpstune.vpstune:
    state: rolled_back
"""

RETURN = r"""
items:
  description: The plan items (vpstune plan --json) the module looked at, before acting.
  returned: always
  type: list
  elements: dict
changes:
  description: Knob IDs that were (or in check mode would be) changed.
  returned: always
  type: list
  elements: str
persisted:
  description: Files installed (or that would be) from persist_targets.
  returned: always
  type: list
  elements: str
reboot_required:
  description: Whether a changed setting takes effect only after a reboot.
  returned: always
  type: bool
summary:
  description: Counts by status after acting (vpstune verify).
  returned: when state is applied or verified
  type: dict
"""

import json
import os
import shutil
import tempfile

from ansible.module_utils.basic import AnsibleModule

# Where each generate target is installed (vpstune generate --help).
TARGET_PATHS = {
    "sysctl": "/etc/sysctl.d/60-vpstune.conf",
    "udev": "/etc/udev/rules.d/60-vpstune.rules",
    "zram": "/etc/systemd/zram-generator.conf",
    "systemd": "/etc/systemd/system",
    "tuned": "/etc/tuned/vpstune/tuned.conf",
    "nixos": "/etc/nixos/vpstune.nix",
}


def base_cmd(module):
    p = module.params
    cmd = [module.get_bin_path(p["executable"], required=True) if "/" not in p["executable"] else p["executable"]]
    if p["root"]:
        cmd += ["--root", p["root"]]
    if p["state_dir"]:
        cmd += ["--state-dir", p["state_dir"]]
    return cmd


def run(module, args, ok_codes=(0,)):
    rc, out, err = module.run_command(base_cmd(module) + args, environ_update={"NO_COLOR": "1", "LC_ALL": "C"})
    if rc not in ok_codes:
        module.fail_json(msg="vpstune %s failed (exit %d): %s" % (args[0], rc, (err or out).strip()),
                         rc=rc, stdout=out, stderr=err)
    return rc, out


def selected(item, only, skip):
    keys = (item.get("group"), item.get("knob"))
    if only and not any(k in only for k in keys):
        return False
    return not any(k in skip for k in keys)


def plan(module):
    p = module.params
    _, out = run(module, ["plan", "-p", p["profile"], "--json"], ok_codes=(0, 1))
    try:
        items = json.loads(out)["items"]
    except (ValueError, KeyError) as e:
        module.fail_json(msg="vpstune plan --json gave no plan: %s" % e, stdout=out)
    return [i for i in items if selected(i, p["only"], p["skip"])]


def pending(items):
    return [i for i in items if i.get("status") == "drift" and i.get("writable", True)]


def kv(items, field):
    return "".join("%s=%s\n" % (i["knob"], i.get(field)) for i in items)


def without_header(text):
    """Generated files start with a dated provenance line; the rest decides."""
    return "\n".join(l for l in text.splitlines() if not l.startswith("# Generated by vpstune "))


def persist(module, tmp):
    """Generates each target into tmp, installs the files whose content
    changed. Returns the destination paths that changed."""
    p = module.params
    changed = []
    for target in p["persist_targets"]:
        dest = TARGET_PATHS[target]
        if p["persist_dir"]:
            dest = os.path.join(p["persist_dir"], dest.lstrip("/"))
        out = os.path.join(tmp, target)
        if target == "systemd":
            os.mkdir(out)
        run(module, ["generate", target, "-p", p["profile"], "-o", out])
        pairs = ([(os.path.join(out, f), os.path.join(dest, f)) for f in sorted(os.listdir(out))]
                 if target == "systemd" else [(out, dest)])
        for src, dst in pairs:
            with open(src) as f:
                new = f.read()
            old = None
            if os.path.exists(dst):
                with open(dst) as f:
                    old = f.read()
            if old is not None and without_header(old) == without_header(new):
                continue
            changed.append(dst)
            if not module.check_mode:
                os.makedirs(os.path.dirname(dst), exist_ok=True)
                staged = dst + ".vpstune-new"
                shutil.copyfile(src, staged)
                os.chmod(staged, 0o644)
                module.atomic_move(staged, dst)
    return changed


def summary(module):
    p = module.params
    _, out = run(module, ["verify", "-p", p["profile"], "--format", "json"], ok_codes=(0, 1))
    return json.loads(out).get("summary", {})


def main():
    module = AnsibleModule(
        argument_spec=dict(
            profile=dict(type="str", default="vps-dev"),
            state=dict(type="str", choices=["applied", "verified", "rolled_back"], default="applied"),
            only=dict(type="list", elements="str", default=[]),
            skip=dict(type="list", elements="str", default=[]),
            persist_targets=dict(type="list", elements="str", default=[], choices=sorted(TARGET_PATHS)),
            persist_dir=dict(type="path"),
            snapshot_before=dict(type="bool", default=False),
            allow_risky=dict(type="bool", default=False),
            executable=dict(type="path", default="vpstune"),
            state_dir=dict(type="path"),
            root=dict(type="path"),
        ),
        supports_check_mode=True,
    )
    p = module.params
    result = dict(changed=False, items=[], changes=[], persisted=[], reboot_required=False)

    if p["state"] == "rolled_back":
        _, out = run(module, ["rollback", "--list", "--json"])
        try:
            txs = json.loads(out)
            txs = txs.get("transactions", txs) if isinstance(txs, dict) else txs
        except ValueError:
            module.fail_json(msg="vpstune rollback --list --json gave no list", stdout=out)
        open_txs = [t for t in txs if t.get("state") in ("committed", "incomplete")]
        result["changed"] = bool(open_txs)
        result["changes"] = [t.get("id") for t in open_txs[-1:]]
        if open_txs and not module.check_mode:
            run(module, ["rollback"])
        module.exit_json(**result)

    items = plan(module)
    result["items"] = items
    todo = pending(items)

    if p["state"] == "verified":
        result["summary"] = summary(module)
        if todo:
            module.fail_json(msg="%d tunings are not in effect: %s" % (len(todo), ", ".join(i["knob"] for i in todo)),
                             **result)
        module.exit_json(**result)

    result["changes"] = [i["knob"] for i in todo]
    result["reboot_required"] = any(not i.get("runtime", True) for i in todo)
    if todo:
        result["changed"] = True
        result["diff"] = dict(before=kv(todo, "current"), after=kv(todo, "target"))
        if not module.check_mode:
            if p["snapshot_before"]:
                run(module, ["snapshot", "--pre", "ansible: vpstune apply -p %s" % p["profile"]])
            args = ["apply", "-p", p["profile"]]
            for o in p["only"]:
                args += ["--only", o]
            for s in p["skip"]:
                args += ["--skip", s]
            if p["allow_risky"]:
                args.append("--allow-risky")
            run(module, args)
            left = pending(plan(module))
            if left:
                module.fail_json(msg="applied, but still not in effect: %s" % ", ".join(i["knob"] for i in left),
                                 **result)

    tmp = tempfile.mkdtemp(prefix="vpstune-ansible.")
    try:
        result["persisted"] = persist(module, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if result["persisted"]:
        result["changed"] = True
    if not module.check_mode:
        result["summary"] = summary(module)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
