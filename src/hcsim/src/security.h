// Security inputs: recording a caller's security descriptor (security.cpp).
#pragma once

#include "objects.h"

namespace hcsim {


/** Copies what a security record reports (lock held). */
void fill_security_record(hcsim_security_record& out, const SecurityDescriptorCopy& descriptor,
                          const SystemSecurity* system);

/** Records a caller's security descriptor (NULL: none). E_INVALIDARG if its Revision byte
 *  is not SECURITY_DESCRIPTOR_REVISION (1) (assumption: HCS validates what it applies).
 *  Reads HCSIM_SECURITY_DESCRIPTOR_PREFIX_BYTES bytes from it. */
HRESULT capture_security_descriptor(const SECURITY_DESCRIPTOR* descriptor, SecurityDescriptorCopy& out);

}  // namespace hcsim
