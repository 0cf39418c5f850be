#include "krec_chain.hpp"

#include <algorithm>

namespace kinesys::producer::detail {

void krec_chain::opened(std::uint32_t k) {
  kinesis_rec& kr = krecs_[k];
  kr.opened = ++opened_;
  kr.follows = {};
  kr.blockers = 0;
  kr.dependents.clear();
}

void krec_chain::freed(std::uint32_t k) {
  kinesis_rec& kr = krecs_[k];
  kr.opened = 0;
  kr.follows = {};
  kr.blockers = 0;
  kr.dependents.clear();
}

bool krec_chain::can_follow(std::uint32_t earlier, std::uint32_t later) {
  kinesis_rec const& l = krecs_[later];
  return l.blockers == 0 || (l.follows.krec == earlier && l.follows.opened == krecs_[earlier].opened);
}

void krec_chain::follow(std::uint32_t earlier, std::uint32_t later) {
  kinesis_rec& e = krecs_[earlier];
  kinesis_rec& l = krecs_[later];
  if (l.blockers > 0) return;  // already follows it (can_follow)
  e.dependents.push_back({later, l.opened});
  l.follows = {earlier, e.opened};
  l.blockers = 1;
}

void krec_chain::answered(std::uint32_t k) {
  kinesis_rec& kr = krecs_[k];
  for (auto d : kr.dependents) {
    kinesis_rec& x = krecs_[d.krec];
    if (x.opened == d.opened) x.blockers = 0;
  }
  kr.dependents.clear();
}

void krec_chain::with_followers(std::uint32_t k, std::vector<std::uint32_t>& out) {
  out.clear();
  out.push_back(k);
  for (std::size_t i = 0; i < out.size(); ++i) {
    for (auto d : krecs_[out[i]].dependents) {
      if (krecs_[d.krec].opened != d.opened || std::find(out.begin(), out.end(), d.krec) != out.end()) continue;
      out.push_back(d.krec);
    }
  }
  std::sort(out.begin() + 1, out.end(),
            [&](std::uint32_t a, std::uint32_t b) { return krecs_[a].opened < krecs_[b].opened; });
}

}  // namespace kinesys::producer::detail
