// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccounting} from "../../contracts/interfaces/IAccounting.sol";
import {IYieldClasses} from "../../contracts/interfaces/IYieldClasses.sol";
import {CuratedModule} from "../../contracts/modules/CuratedModule.sol";
import {SystemFixture} from "../utils/SystemFixture.sol";

/// @dev Marks every system account and its storage cold, so a measured call pays the cold
/// access costs of a fresh transaction instead of what the test's own setup warmed.
abstract contract ColdGas is SystemFixture {
    bytes32 private constant IMPL_SLOT = 0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc;

    function _coolProxy(address p) private {
        vm.cool(p);
        vm.cool(address(uint160(uint256(vm.load(p, IMPL_SLOT)))));
    }

    function _coolAll(address[] memory extra) internal {
        _coolProxy(address(router));
        _coolProxy(address(book));
        _coolProxy(address(queue));
        _coolProxy(address(accounting));
        _coolProxy(address(oracle));
        _coolProxy(address(ds));
        if (address(curated) != address(0)) _coolProxy(address(curated));
        if (address(bonded) != address(0)) _coolProxy(address(bonded));
        for (uint256 id; id < router.moduleCount(); ++id) _coolProxy(router.getModule(id).module);
        for (uint256 k; k < tokens.length; ++k) vm.cool(address(tokens[k]));
        vm.cool(address(wv));
        vm.cool(address(elv));
        vm.cool(address(dc));
        for (uint256 i; i < extra.length; ++i) vm.cool(extra[i]);
    }

    function _one(address a) internal pure returns (address[] memory x) {
        x = new address[](1);
        x[0] = a;
    }
}

/// @notice Gas of the depositor and oracle entry points, one call measured per test with
/// `vm.snapshotGasLastCall` (group "cascade").
contract GasUserTest is ColdGas {
    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");

    function setUp() public {
        _deploySystem();
        _curatedOperator(curated, 2);
        _bondedOperator(2);
        vm.deal(alice, 100 ether);
        vm.deal(bob, 100 ether);
    }

    function test_gas_deposit_firstHolder() public {
        _coolAll(_one(alice));
        vm.prank(alice);
        pool.deposit{value: 10 ether}(2, alice, 0);
        vm.snapshotGasLastCall("cascade", "deposit_firstHolder");
    }

    function test_gas_deposit_nextHolder() public {
        _deposit(alice, 2, 10 ether);
        _coolAll(_one(bob));
        vm.prank(bob);
        pool.deposit{value: 10 ether}(2, bob, 0);
        vm.snapshotGasLastCall("cascade", "deposit_nextHolder");
    }

    function test_gas_deposit_senior() public {
        _seedClasses();
        _coolAll(_one(bob));
        vm.prank(bob);
        pool.deposit{value: 1 ether}(0, bob, 0);
        vm.snapshotGasLastCall("cascade", "deposit_senior_coverChecked");
    }

    function test_gas_requestRedeem() public {
        _deposit(alice, 2, 10 ether);
        _coolAll(_one(alice));
        vm.prank(alice);
        queue.requestRedeem(2, 1 ether, alice, alice);
        vm.snapshotGasLastCall("cascade", "requestRedeem");
    }

    function test_gas_claim() public {
        _deposit(alice, 2, 10 ether);
        uint256 id = _request(alice, 2, 1 ether);
        vm.warp(block.timestamp + 2 * FRAME);
        _applyDirect(_emptyReport());
        _coolAll(_one(alice));
        vm.prank(alice);
        queue.claim(id, alice);
        vm.snapshotGasLastCall("cascade", "claim");
    }

    function test_gas_reportVote() public {
        vm.warp(block.timestamp + FRAME);
        IAccounting.Report memory r = _emptyReport();
        r.refSlot = oracle.currentRefSlot();
        bytes32 h = keccak256(abi.encode(r));
        _coolAll(_one(members[0]));
        vm.prank(members[0]);
        oracle.submitReportHash(r.refSlot, h);
        vm.snapshotGasLastCall("cascade", "report_vote_first");
        _coolAll(_one(members[1]));
        vm.prank(members[1]);
        oracle.submitReportHash(r.refSlot, h);
        vm.snapshotGasLastCall("cascade", "report_vote");
    }
}

/// @notice Gas of applying one agreed report (ReportOracle.submitReportData → Accounting) with
/// M modules × K classes: every module reports a reward on one active validator, EL rewards
/// arrive, every class holds NAV, and one redemption is finalized.
contract GasReportApplyTest is ColdGas {
    function _measure(uint256 modules, uint256 classes, string memory name) private {
        _deployCore();
        _deployBookAndReports(_defaultLimits(), _defaultParams());
        for (uint256 i; i < modules; ++i) {
            CuratedModule m = _newCurated();
            _addModule(address(m), 1, 10_000, 10_000);
            // One validator "deposited" per module: the fixture books it without keys.
            _setDeposited(i, 1);
        }
        _addClass(IYieldClasses.ClassParams(1000, 2500, 2500, uint32(FRAME), 0));
        for (uint256 k = 1; k < classes; ++k) {
            _addClass(IYieldClasses.ClassParams(500, 1500, 0, uint32(FRAME), 0));
        }
        address holder = makeAddr("holder");
        for (uint256 k = classes; k > 0; --k) _deposit(holder, k - 1, 1 ether);
        _request(holder, classes - 1, 0.5 ether);

        vm.warp(block.timestamp + 30 days);
        IAccounting.Report memory r = _activateAllReport();
        for (uint256 i; i < modules; ++i) r.modules[i].clBalance += 0.01 ether;
        r.elRewards = 0.1 ether;
        vm.deal(address(elv), 0.1 ether);
        r.refSlot = oracle.currentRefSlot();
        bytes32 h = keccak256(abi.encode(r));
        vm.prank(members[0]);
        oracle.submitReportHash(r.refSlot, h);
        vm.prank(members[1]);
        oracle.submitReportHash(r.refSlot, h);
        _coolAll(_one(members[2]));
        vm.prank(members[2]);
        oracle.submitReportData(r);
        vm.snapshotGasLastCall("cascade", name);
        (uint256 refSlot, ) = accounting.lastReport();
        assertEq(refSlot, r.refSlot, "applied");
        assertEq(queue.reserved(), 0.5 ether, "one redemption finalized");
    }

    function test_gas_reportApply_m1_k3() public {
        _measure(1, 3, "report_apply_m1_k3");
    }

    function test_gas_reportApply_m1_k8() public {
        _measure(1, 8, "report_apply_m1_k8");
    }

    function test_gas_reportApply_m8_k3() public {
        _measure(8, 3, "report_apply_m8_k3");
    }

    function test_gas_reportApply_m8_k8() public {
        _measure(8, 8, "report_apply_m8_k8");
    }

    function test_gas_reportApply_m32_k3() public {
        _measure(32, 3, "report_apply_m32_k3");
    }

    function test_gas_reportApply_m32_k8() public {
        _measure(32, 8, "report_apply_m32_k8");
    }
}
