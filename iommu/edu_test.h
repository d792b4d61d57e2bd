/* iommu/edu_test.h — VT-d self-test with QEMU's edu DMA device. */
#ifndef BAREGT_IOMMU_EDU_TEST_H
#define BAREGT_IOMMU_EDU_TEST_H

void iommu_edu_selftest(void);

#endif
