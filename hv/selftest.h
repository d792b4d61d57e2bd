/*
 * hv/selftest.h — boot-time checks that the core's own protections really
 * work on this machine (config key `selftest`, docs/config.md). Each one
 * provokes an exception that the IDT must report with a register dump.
 */
#ifndef BAREGT_HV_SELFTEST_H
#define BAREGT_HV_SELFTEST_H

#include "hv/config/config.h"

void selftest_run(enum selftest which);

#endif
