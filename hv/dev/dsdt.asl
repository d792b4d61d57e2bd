/*
 * hv/dev/dsdt.asl — every VM's DSDT (ACPI 6.4 §5.2.11.1), compiled by
 * iasl at build time into build/gen/dsdt_aml.h (the Makefile). The
 * numbers come from hv/dev/acpi_map.h, which hv/dev/acpi_build.c checks
 * the VM's description against.
 *
 * What it says, and only that:
 *  - \_SB.PCI0: the PCI Express host bridge (PNP0A08, compatible with the
 *    PCI one, PNP0A03) of segment 0, bus 0 (ACPI 6.4 §6.1.5 _HID, §6.5.5
 *    _BBN, §6.5.6 _SEG). _CRS (§6.2.2, resource descriptors §6.4): the bus
 *    number range, the config ports 0xCF8-0xCFF it consumes (0xCF9, the
 *    reset control register, sits in them), the I/O ranges it forwards
 *    around them, and the memory window 0x80000000-0xFEBFFFFF minus the
 *    ECAM range. The ECAM range is the bridge's own register space, not a
 *    range it forwards; it is also reserved in the e820 map, and Linux
 *    (arch/x86 remove_e820_regions) clips a window that overlaps an e820
 *    entry to the larger side of it, which would leave the vGPU's BAR0 at
 *    0xF0000000 outside every window.
 *    No _PRT: no PCI device has INTx wired (the vGPU uses MSI; the host
 *    and ISA bridges have no interrupt pin). No _OSC: there are no PCIe
 *    ports, hot plug, AER or PME to hand over.
 *  - \_SB.MBRS, PNP0C02 "motherboard resources": the ECAM range (Linux
 *    uses MCFG's ECAM only once it finds it reserved here or in e820;
 *    arch/x86/pci/mmconfig-shared.c) and the PM1a ports.
 *  - \_SB.HPET, PNP0103 (the HPET's ID in the IA-PC HPET 1.0a spec's
 *    ACPI section): the block's 1 KiB (hv/dev/vhpet.h). Linux finds it through
 *    the HPET table; the device keeps the OS from handing the range to
 *    anything else. No interrupt resources: the block has none.
 *  - \_S5 (§7.4.2): SLP_TYP for soft off, in PM1a_CNT bits 12:10.
 */
#include "acpi_map.h"

DefinitionBlock ("", "DSDT", 2, "BAREGT", "BAREGTVM", 1)
{
    Scope (\_SB)
    {
        Device (PCI0)
        {
            Name (_HID, EisaId ("PNP0A08"))
            Name (_CID, EisaId ("PNP0A03"))
            Name (_SEG, 0)
            Name (_BBN, ACPI_MAP_ECAM_BUS_START)
            Name (_UID, 0)
            Name (_CRS, ResourceTemplate ()
            {
                WordBusNumber (ResourceProducer, MinFixed, MaxFixed, PosDecode,
                    0x0000,
                    ACPI_MAP_ECAM_BUS_START,
                    ACPI_MAP_ECAM_BUS_END,
                    0x0000,
                    ACPI_MAP_ECAM_BUS_COUNT)
                IO (Decode16, 0x0CF8, 0x0CF8, 0x01, 0x08)
                WordIO (ResourceProducer, MinFixed, MaxFixed, PosDecode, EntireRange,
                    0x0000, 0x0000, 0x0CF7, 0x0000, 0x0CF8)
                WordIO (ResourceProducer, MinFixed, MaxFixed, PosDecode, EntireRange,
                    0x0000, 0x0D00, 0xFFFF, 0x0000, 0xF300)
                /* The window below the ECAM range... */
                DWordMemory (ResourceProducer, PosDecode, MinFixed, MaxFixed,
                    NonCacheable, ReadWrite,
                    0x00000000,
                    ACPI_MAP_PCI_LOW_FIRST,
                    ACPI_MAP_PCI_LOW_LAST,
                    0x00000000,
                    ACPI_MAP_PCI_LOW_LEN)
                /* ...and above it. */
                DWordMemory (ResourceProducer, PosDecode, MinFixed, MaxFixed,
                    NonCacheable, ReadWrite,
                    0x00000000,
                    ACPI_MAP_PCI_HIGH_FIRST,
                    ACPI_MAP_PCI_HIGH_LAST,
                    0x00000000,
                    ACPI_MAP_PCI_HIGH_LEN)
            })
        }

        Device (MBRS)
        {
            Name (_HID, EisaId ("PNP0C02"))
            Name (_UID, 0)
            Name (_CRS, ResourceTemplate ()
            {
                Memory32Fixed (ReadWrite, ACPI_MAP_ECAM_GPA, ACPI_MAP_ECAM_SIZE)
                IO (Decode16, ACPI_MAP_PM1A_EVT_PORT, ACPI_MAP_PM1A_EVT_PORT, 0x01,
                    ACPI_MAP_PM1_EVT_LEN)
                IO (Decode16, ACPI_MAP_PM1A_CNT_PORT, ACPI_MAP_PM1A_CNT_PORT, 0x01,
                    ACPI_MAP_PM1_CNT_LEN)
                IO (Decode16, ACPI_MAP_PM_TMR_PORT, ACPI_MAP_PM_TMR_PORT, 0x01,
                    ACPI_MAP_PM_TMR_LEN)
            })
        }

        Device (HPET)
        {
            Name (_HID, EisaId ("PNP0103"))
            Name (_UID, 0)
            Name (_CRS, ResourceTemplate ()
            {
                Memory32Fixed (ReadWrite, ACPI_MAP_HPET_GPA, ACPI_MAP_HPET_SIZE)
            })
        }
    }

    /* {PM1a_CNT.SLP_TYP, PM1b_CNT.SLP_TYP, reserved, reserved} */
    Name (\_S5, Package (0x04) { ACPI_MAP_S5_SLP_TYP, ACPI_MAP_S5_SLP_TYP, 0, 0 })
}
