// GDAL's C API as FarSide uses it: rasters, vectors (OGR), spatial references (OSR/PROJ), CPL utilities.
#include <gdal.h>
#include <gdal_utils.h>
#include <gdal_alg.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <cpl_vsi.h>
