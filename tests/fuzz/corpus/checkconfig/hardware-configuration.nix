# hardware-configuration.nix of the seed's VPS before its "critical fix 1":
# generated on (or copied from) a machine with NVMe disks.
{ config, lib, pkgs, modulesPath, ... }:

{
  imports = [ (modulesPath + "/installer/scan/not-detected.nix") ];

  boot.initrd.availableKernelModules = [ "nvme" "xhci_pci" "ahci" "usbhid" ];
  boot.kernelModules = [ "kvm-intel" ];

  fileSystems."/boot" = {
    device = "/dev/nvme0n1p1";
    fsType = "ext4";
  };

  swapDevices = [ ];
}
