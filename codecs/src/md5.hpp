#pragma once
#include <kinesys/detail/codecs/md5.hpp>
