# configuration.nix of the seed's OVH VPS as it was BEFORE its "critical
# fix 1" (vps-optimizations.md, "Hardware Device References"): written for
# a machine with two NVMe SSDs, deployed on one with a single virtio-scsi
# disk (/dev/sda). Recreated for vpstune's tests; every device reference
# below is one the seed lists as broken.
{ config, lib, pkgs, ... }:

let
  # System disk: the UUID was never filled in.
  systemDev = "/dev/disk/by-uuid/SYSTEM_DISK_UUID";
  # Second NVMe for ~/dev and containers.
  dataDev = "/dev/nvme1n1";
in
{
  imports = [
    ./hardware-configuration.nix
    ./disko.nix
  ];

  boot.loader.grub = {
    enable = true;
    version = 2;
    device = "/dev/nvme0n1";
  };

  # Btrfs mounts (seed section 3, before its changes)
  fileSystems."/" = {
    device = systemDev;
    fsType = "btrfs";
    options = [ "subvol=@" "compress=zstd:3" "noatime" "space_cache=v2" "ssd_spread" "autodefrag" ];
  };

  fileSystems."/nix" = {
    device = systemDev;
    fsType = "btrfs";
    options = [ "subvol=@nix" "compress=zstd:3" "noatime" "space_cache=v2" ];
  };

  fileSystems."/var/log" = {
    device = systemDev;
    fsType = "btrfs";
    options = [ "subvol=@var-log" "noatime" "nodatacow" ];
  };

  fileSystems."/home/user/dev" = {
    device = dataDev;
    fsType = "btrfs";
    options = [ "subvol=@dev" "compress=zstd:1" "noatime" "space_cache=v2" "autodefrag" ];
  };

  fileSystems."/var/lib/containers" = {
    device = dataDev;
    fsType = "btrfs";
    options = [ "subvol=@containers" "noatime" "space_cache=v2" ];
  };

  # I/O scheduler for the NVMe drives (seed section 2, before its changes)
  services.udev.extraRules = ''
    ACTION=="add|change", KERNEL=="nvme[0-9]*n[0-9]*", ATTR{queue/scheduler}="none"
  '';

  virtualisation.containers.storage.settings.storage.driver = "overlay";

  nix.settings = {
    cores = 0;
    max-jobs = "auto";
  };

  system.stateVersion = "24.05";
}
