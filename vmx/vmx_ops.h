/*
 * vmx/vmx_ops.h — the VMX instructions (SDM Vol. 3C §31, Vol. 2 VMX
 * instruction reference). Each returns true on success: VMfailInvalid sets
 * CF, VMfailValid sets ZF (SDM Vol. 3C §31.2).
 */
#ifndef BAREGT_VMX_OPS_H
#define BAREGT_VMX_OPS_H

#include <stdbool.h>
#include <stdint.h>

static inline bool vmxon(uint64_t hpa)
{
	uint8_t fail;
	__asm__ __volatile__("vmxon %1; setbe %0" : "=q"(fail) : "m"(hpa)
	                     : "cc", "memory");
	return !fail;
}

static inline bool vmclear(uint64_t hpa)
{
	uint8_t fail;
	__asm__ __volatile__("vmclear %1; setbe %0" : "=q"(fail) : "m"(hpa)
	                     : "cc", "memory");
	return !fail;
}

static inline bool vmptrld(uint64_t hpa)
{
	uint8_t fail;
	__asm__ __volatile__("vmptrld %1; setbe %0" : "=q"(fail) : "m"(hpa)
	                     : "cc", "memory");
	return !fail;
}

static inline uint64_t vmread(uint64_t field)
{
	uint64_t v = 0;
	__asm__ __volatile__("vmread %1, %0" : "=rm"(v) : "r"(field) : "cc");
	return v;
}

static inline bool vmwrite(uint64_t field, uint64_t v)
{
	uint8_t fail;
	__asm__ __volatile__("vmwrite %1, %2; setbe %0" : "=q"(fail)
	                     : "rm"(v), "r"(field) : "cc");
	return !fail;
}

/* INVEPT/INVVPID descriptors: SDM Vol. 3C §29.4.3 and Vol. 2 INVVPID. */
#define INVEPT_SINGLE_CONTEXT 1
#define INVVPID_SINGLE_CONTEXT 1

static inline void invept(uint64_t type, uint64_t eptp)
{
	struct { uint64_t eptp, zero; } d = { eptp, 0 };
	__asm__ __volatile__("invept %0, %1" : : "m"(d), "r"(type) : "cc", "memory");
}

static inline void invvpid(uint64_t type, uint16_t vpid)
{
	struct { uint64_t vpid, linear; } d = { vpid, 0 };
	__asm__ __volatile__("invvpid %0, %1" : : "m"(d), "r"(type) : "cc", "memory");
}

#endif
