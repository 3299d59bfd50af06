// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ServicesFixture} from "../utils/ServicesFixture.sol";

/// @notice Money moves in a service slash: random class sizes, stake, bond, tier and bps.
contract SlashFuzzTest is ServicesFixture {
    struct Before {
        uint256 bond;
        uint256 a;
        uint256 b;
        uint256 c;
        uint256 pooled;
        uint256 buffered;
        uint256 debt;
    }

    function _before() private view returns (Before memory s) {
        (s.bond, ) = bonded.bondOf(0);
        (s.a, s.b, s.c) = _navs();
        s.pooled = accounting.pooled();
        s.buffered = pool.buffered();
        s.debt = pool.debt();
    }

    function testFuzz_executeSlash_bondFirstJuniorsBeforeSenior(
        uint256 b,
        uint256 c,
        uint256 topUp,
        uint256 stake,
        uint256 bps,
        bool tierTwo
    ) public {
        b = bound(b, 50 ether, 150 ether);
        c = bound(c, 50 ether, 150 ether);
        _standardSetup(400 ether - b - c, b, c);
        topUp = bound(topUp, 0, 100 ether);
        if (topUp != 0) {
            vm.deal(stranger, topUp);
            vm.prank(stranger);
            bonded.topUpBond{value: topUp}(0);
        }
        uint8 tier = tierTwo ? 2 : 1;
        uint256 limit = tierTwo ? c : b + c;
        stake = bound(stake, 1 ether, limit < 96 ether ? limit : 96 ether);
        bps = bound(bps, 1, 10_000);
        uint256 svc = _service(tier, 10_000);
        _optIn(svc, 1, 0);
        _allocate(svc, stake, _one(_opKey(1, 0)));
        vm.prank(slasher);
        uint256 id = registry.requestSlash(svc, 1, 0, bps, bytes32("fuzz"));
        vm.warp(block.timestamp + VETO_WINDOW);

        Before memory s = _before();
        uint256 amount = registry.executeSlash(id);
        assertEq(amount, (stake * bps) / 10_000, "amount = stake * bps");

        (uint256 bondAfter, uint256 locked) = bonded.bondOf(0);
        uint256 charged = s.bond - bondAfter;
        assertLe(charged, s.bond, "bond charged <= bond");
        assertEq(charged, amount < s.bond ? amount : s.bond, "bond pays first, up to what it holds");
        assertLe(locked, bondAfter, "lock within the bond");

        (uint256 a2, uint256 b2, uint256 c2) = _navs();
        uint256 classLoss = (s.a + s.b + s.c) - (a2 + b2 + c2);
        assertEq(classLoss, amount - charged, "class loss = amount - charged");
        assertEq(a2, s.a, "senior A untouched while juniors have NAV");
        if (classLoss <= s.c) {
            assertEq(b2, s.b, "B untouched while C covers the loss");
            assertEq(c2, s.c - classLoss, "C takes it all");
        } else {
            assertEq(c2, 0, "C exhausted first");
            assertEq(b2, s.b - (classLoss - s.c), "B takes the rest");
        }
        assertEq(s.pooled - accounting.pooled(), classLoss, "pool loses exactly the class loss");
        uint256 paid = pool.servicePayoutOf(recipient);
        assertEq(paid + (pool.debt() - s.debt), amount, "paid now + new debt = amount");
        assertEq(paid, amount < s.buffered + charged ? amount : s.buffered + charged, "paid from buffered");
        _assertNavWithinPooled("fuzzed slash");
    }
}
