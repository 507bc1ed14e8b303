#ifndef MEDIAD_CUDEV_SHIM_H
#define MEDIAD_CUDEV_SHIM_H
#include <libudev.h>
#endif
