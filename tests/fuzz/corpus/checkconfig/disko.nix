# disko.nix of the seed's VPS before its changes (section 7 removed
# ssd_spread and autodefrag later): two NVMe disks.
{
  disko.devices = {
    disk = {
      nvme0n1 = {
        type = "disk";
        device = "/dev/nvme0n1";
        content = {
          type = "gpt";
          partitions = {
            boot = {
              size = "1G";
              content = {
                type = "filesystem";
                format = "ext4";
                mountpoint = "/boot";
              };
            };
            root = {
              size = "100%";
              content = {
                type = "btrfs";
                extraArgs = [ "-f" ];
                subvolumes = {
                  "/@" = {
                    mountpoint = "/";
                    mountOptions = [ "compress=zstd:3" "noatime" "space_cache=v2" "ssd_spread" "autodefrag" ];
                  };
                  "/@nix" = {
                    mountpoint = "/nix";
                    mountOptions = [ "compress=zstd:3" "noatime" "space_cache=v2" ];
                  };
                  "/@var-log" = {
                    mountpoint = "/var/log";
                    mountOptions = [ "noatime" "nodatacow" ];
                  };
                  "/@var-cache" = {
                    mountpoint = "/var/cache";
                    mountOptions = [ "noatime" "space_cache=v2" ];
                  };
                  "/@home" = {
                    mountpoint = "/home";
                    mountOptions = [ "compress=zstd:2" "noatime" "space_cache=v2" ];
                  };
                };
              };
            };
          };
        };
      };
      nvme1n1 = {
        type = "disk";
        device = "/dev/nvme1n1";
        content = {
          type = "gpt";
          partitions = {
            data = {
              size = "100%";
              content = {
                type = "btrfs";
                extraArgs = [ "-f" ];
                subvolumes = {
                  "/@dev" = {
                    mountpoint = "/home/user/dev";
                    mountOptions = [ "compress=zstd:1" "noatime" "space_cache=v2" "autodefrag" ];
                  };
                  "/@containers" = {
                    mountpoint = "/var/lib/containers";
                    mountOptions = [ "noatime" "space_cache=v2" ];
                  };
                };
              };
            };
          };
        };
      };
    };
  };
}
